package dev.reap.agent.attach;

import dev.reap.agent.reap.Signal;
import dev.reap.agent.reap.Signaller;
import net.bytebuddy.agent.VirtualMachine;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * HotSpot's attach protocol, spoken with byte-buddy-agent's {@link VirtualMachine.ForHotSpot}
 * over the JDK's own UNIX-domain sockets (Java 16+).
 *
 * <p>Why not byte-buddy-agent's default chain: it needs the {@code jdk.attach} module, which a JRE
 * lacks, and its JRE fallback needs JNA on the class path. Java 16's
 * {@code UnixDomainSocketAddress} gives the same socket with nothing added, so one mechanism works
 * from a JDK and a JRE alike, with the same errors. The target's socket is found through
 * {@code /proc/<pid>/root/tmp}, as the JDK does.
 */
public final class HotSpotAttach {
    /** How long a JVM gets to start its attach listener: the JDK's own default is 10 s. */
    private static final int ATTEMPTS = 1000;
    private static final long PAUSE_MILLIS = 10;

    private final VirtualMachine vm;

    private HotSpotAttach(VirtualMachine vm) {
        this.vm = vm;
    }

    /** True when this JVM can speak the protocol (Java 16+: UNIX-domain socket channels). */
    public static boolean supported() {
        return Sockets.OF != null;
    }

    /**
     * Connects to the JVM {@code pid}, waking its attach listener (SIGQUIT, after creating the
     * trigger file) when it is not running yet.
     *
     * @throws IOException when it does not answer
     */
    public static HotSpotAttach connect(long pid) throws IOException {
        try {
            return new HotSpotAttach(VirtualMachine.ForHotSpot.attach(Long.toString(pid), new Sockets(pid)));
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The target's system properties. */
    public Properties systemProperties() throws IOException {
        return vm.getSystemProperties();
    }

    /** Loads a Java agent jar into the target ({@code Agent-Class}'s agentmain runs there). */
    public void loadAgent(File jar, String options) throws IOException {
        try {
            vm.loadAgent(jar.getAbsolutePath(), options);
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    public void detach() {
        try {
            vm.detach();
        } catch (IOException | RuntimeException ignored) {
            // one connection per command: nothing is held open
        }
    }

    /** The socket file the target's attach listener opens, and the signal that wakes it. */
    private static final class Sockets extends VirtualMachine.ForHotSpot.Connection.Factory.ForSocketFile {
        /** {@code UnixDomainSocketAddress.of(String)}, or null before Java 16. */
        static final Method OF = unixAddressFactory();

        private final long pid;

        Sockets(long pid) {
            super("/proc/" + pid + "/root/tmp", ATTEMPTS, PAUSE_MILLIS, TimeUnit.MILLISECONDS);
            this.pid = pid;
        }

        @Override
        protected void kill(String processId, int signal) {
            Signaller.sendOnce(Signal.QUIT, pid);
        }

        @Override
        protected VirtualMachine.ForHotSpot.Connection doConnect(File socket) throws IOException {
            return new Channel(socket.getPath());
        }

        private static Method unixAddressFactory() {
            try {
                return Class.forName("java.net.UnixDomainSocketAddress").getMethod("of", String.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    }

    /** One command per connection, as HotSpot's listener expects. */
    private static final class Channel extends VirtualMachine.ForHotSpot.Connection.OnPersistentByteChannel<SocketChannel> {
        private final String path;

        Channel(String path) {
            this.path = path;
        }

        @Override
        protected SocketChannel connect() throws IOException {
            if (Sockets.OF == null) {
                throw new IOException("attach needs Java 16 or later to run (UNIX-domain sockets)");
            }
            try {
                return SocketChannel.open((SocketAddress) Sockets.OF.invoke(null, path));
            } catch (ReflectiveOperationException e) {
                throw new IOException("cannot open " + path, e);
            }
        }

        @Override
        protected void close(SocketChannel channel) throws IOException {
            channel.close();
        }

        @Override
        protected void write(SocketChannel channel, byte[] bytes) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        @Override
        protected int read(SocketChannel channel, byte[] bytes) throws IOException {
            return channel.read(ByteBuffer.wrap(bytes));
        }

        @Override
        public void close() {
            // nothing persistent: each command opened and closed its own channel
        }
    }
}
