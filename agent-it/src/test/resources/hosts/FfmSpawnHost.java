import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * NativeSpawnHost's twin through the FFM API (JDK 22+), as NuProcess 4 spawns: posix_spawnp
 * with System.getenv(), a shell that starts a sleep and waits, and a shutdown hook that kills its
 * direct child first. Run by the source launcher, so that the tests compile on JDK 17.
 *
 * Usage: java FfmSpawnHost.java <dir>
 */
public class FfmSpawnHost {
    public static void main(String[] args) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle spawn = linker.downcallHandle(linker.defaultLookup().find("posix_spawnp").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        MethodHandle kill = linker.downcallHandle(linker.defaultLookup().find("kill").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        Arena arena = Arena.global();
        Path grandchild = Path.of(args[0], "grandchild");
        String[] command = {"sh", "-c", "sleep 600 & echo $! > " + grandchild + ".tmp && mv " + grandchild + ".tmp "
                + grandchild + "; wait"};
        MemorySegment argv = arena.allocate(ValueLayout.ADDRESS, command.length + 1);
        for (int i = 0; i < command.length; i++) {
            argv.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(command[i]));
        }
        argv.setAtIndex(ValueLayout.ADDRESS, command.length, MemorySegment.NULL);
        Map<String, String> environment = System.getenv();
        MemorySegment envp = arena.allocate(ValueLayout.ADDRESS, environment.size() + 1);
        int j = 0;
        for (Map.Entry<String, String> e : environment.entrySet()) {
            envp.setAtIndex(ValueLayout.ADDRESS, j++, arena.allocateFrom(e.getKey() + "=" + e.getValue()));
        }
        envp.setAtIndex(ValueLayout.ADDRESS, j, MemorySegment.NULL);
        MemorySegment pid = arena.allocate(ValueLayout.JAVA_INT);
        int status = (int) spawn.invokeExact(pid, arena.allocateFrom("sh"), MemorySegment.NULL, MemorySegment.NULL,
                argv, envp);
        if (status != 0) {
            throw new IllegalStateException("posix_spawnp: " + status);
        }
        int child = pid.get(ValueLayout.JAVA_INT, 0);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                int ignored = (int) kill.invokeExact(child, 9);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }));
        while (!Files.exists(grandchild)) {
            Thread.sleep(5);
        }
        System.out.println("native " + child);
        System.out.println("grandchild " + Files.readString(grandchild).trim());
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in)).readLine();
    }
}
