package dev.reap.agent.config;

import dev.reap.agent.log.LogLevel;
import dev.reap.agent.reap.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    private static final Properties NO_PROPERTIES = new Properties();
    private static final Map<String, String> NO_ENVIRONMENT = Map.of();

    private static Config load(String options) throws ConfigException {
        return ConfigLoader.load(options, NO_PROPERTIES, NO_ENVIRONMENT);
    }

    private static Properties properties(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsMatchTheContract() throws ConfigException {
        Config c = load(null);
        assertThat(c.grace()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.signals()).containsExactly(Signal.INT, Signal.TERM, Signal.KILL);
        assertThat(c.enabled()).isTrue();
        assertThat(c.watchdog()).isTrue();
        assertThat(c.sweep()).isTrue();
        assertThat(c.exclude()).isNull();
        assertThat(c.log()).isEqualTo(LogLevel.INFO);
        assertThat(c.report()).isNull();
        assertThat(c.stacks()).isTrue();
        assertThat(c.leaks()).isEqualTo(Config.Leaks.WARN);
        assertThat(c.scope()).isEqualTo(Config.Scope.JVM);
    }

    @Test
    void everyKeyIsReadFromAgentOptions() throws ConfigException {
        Config c = load("grace=250ms,signals=TERM,KILL,enabled=false,watchdog=false,sweep=false,"
                + "exclude=postgres|redis,log=debug,report=/tmp/r-%p.json,stacks=false,leaks=off,scope=test");
        assertThat(c.grace()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.signals()).containsExactly(Signal.TERM, Signal.KILL);
        assertThat(c.enabled()).isFalse();
        assertThat(c.watchdog()).isFalse();
        assertThat(c.sweep()).isFalse();
        assertThat(c.excludes("/usr/lib/postgresql/bin/postgres -D data")).isTrue();
        assertThat(c.excludes("sleep 10")).isFalse();
        assertThat(c.log()).isEqualTo(LogLevel.DEBUG);
        assertThat(c.report()).isEqualTo("/tmp/r-%p.json");
        assertThat(c.stacks()).isFalse();
        assertThat(c.leaks()).isEqualTo(Config.Leaks.OFF);
        assertThat(c.scope()).isEqualTo(Config.Scope.TEST);
    }

    @Test
    void agentOptionsOverSystemPropertiesOverEnvironmentOverDefaults() throws ConfigException {
        Properties props = properties("reap.grace", "2s", "reap.log", "warn");
        Map<String, String> env = Map.of("REAP_GRACE", "7s", "REAP_LOG", "error", "REAP_STACKS", "false");
        Config c = ConfigLoader.load("grace=1s", props, env);
        assertThat(c.grace()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.log()).isEqualTo(LogLevel.WARN);
        assertThat(c.stacks()).isFalse();
        assertThat(c.watchdog()).isTrue();
    }

    @Test
    void fullKeyNamesWorkInAgentOptions() throws ConfigException {
        assertThat(load("reap.grace=5s").grace()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void valuesMayHoldCommas() throws ConfigException {
        Config c = load("exclude=^a{1,3}$,grace=1s");
        assertThat(c.exclude().pattern()).isEqualTo("^a{1,3}$");
        assertThat(c.grace()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aBadValueSetLaterForAKeyReadOnlyAtStartDoesNotCostTheExitKeys() throws ConfigException {
        ConfigLoader loader = ConfigLoader.forAgentOptions("");
        Config atStart = loader.load(NO_PROPERTIES, NO_ENVIRONMENT);
        Config atExit = loader.reloadExitKeys(atStart, properties("reap.grace", "500ms", "reap.log", "loud"), NO_ENVIRONMENT);
        assertThat(atExit.grace()).isEqualTo(Duration.ofMillis(500));
        assertThat(atExit.log()).as("read at start only").isEqualTo(LogLevel.INFO);
    }

    @Test
    void exitKeysAreReadAgainButStartKeysAreNot() throws ConfigException {
        ConfigLoader loader = ConfigLoader.forAgentOptions("signals=INT,KILL");
        Config atStart = loader.load(NO_PROPERTIES, NO_ENVIRONMENT);
        Properties later = properties("reap.grace", "9s", "reap.report", "out.json", "reap.exclude", "db",
                "reap.signals", "TERM,KILL", "reap.stacks", "false");
        Config atExit = loader.reloadExitKeys(atStart, later, NO_ENVIRONMENT);
        assertThat(atExit.grace()).isEqualTo(Duration.ofSeconds(9));
        assertThat(atExit.report()).isEqualTo("out.json");
        assertThat(atExit.excludes("db")).isTrue();
        assertThat(atExit.signals()).as("agent options still win").containsExactly(Signal.INT, Signal.KILL);
        assertThat(atExit.stacks()).as("read at start only").isTrue();
    }

    @ParameterizedTest
    @CsvSource({"3s,3000", "250ms,250", "1.5s,1500", "2m,120000", "3,3000", "0,0", "0.25,250"})
    void durations(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource({"abc", "-1s", "1.s", ".5s", "3h", "2 s s", "1e3", "''", "61m"})
    void badDurations(String text) {
        assertThat(Durations.parse(text)).isNull();
    }

    @Test
    void durationsPrintShort() {
        assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.format(Duration.ofSeconds(3))).isEqualTo("3s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    }

    @ParameterizedTest
    @CsvSource({"INT,INT", "SIGINT,INT", "int,INT", "2,INT", "15,TERM", "sigkill,KILL", "HUP,HUP", "USR1,USR1"})
    void signalNames(String text, Signal expected) {
        assertThat(Signal.parse(text)).isEqualTo(expected);
    }

    @Test
    void aRepeatedSignalIsNamedAndAGraceMayBeInHours() throws ConfigException {
        assertThatThrownBy(() -> load("signals=INT,INT,KILL")).hasMessageEndingWith("; INT is given twice: each rung is a different signal");
        assertThat(load("grace=1h").grace()).isEqualTo(java.time.Duration.ofHours(1));
        assertThat(load("grace=0.5h").grace()).isEqualTo(java.time.Duration.ofMinutes(30));
    }

    @Test
    void signalsMayBeNumbers() throws ConfigException {
        assertThat(load("signals=2,15,9").signals()).containsExactly(Signal.INT, Signal.TERM, Signal.KILL);
        assertThat(load("signals=HUP+KILL").signals()).containsExactly(Signal.HUP, Signal.KILL);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "grace=abc; invalid reap.grace='abc' (from agent options grace): expected a duration such as 3s",
        "signals=INT,TERM; invalid reap.signals='INT,TERM' (from agent options signals): expected a comma-separated list of signals ending in KILL",
        "signals=INT,STOP,KILL; invalid reap.signals='INT,STOP,KILL'",
        "signals=INT,INT,KILL; invalid reap.signals='INT,INT,KILL'",
        "signals=INT,TERM,INT,KILL; invalid reap.signals='INT,TERM,INT,KILL' (from agent options signals): expected a comma-separated list of signals ending in KILL, such as INT,TERM,KILL (names HUP",
        "grace=2h; invalid reap.grace='2h' (from agent options grace): expected a duration such as 3s, 250ms, 1.5s, 2m, 1h,",
        "signals=KILL,INT,KILL; invalid reap.signals='KILL,INT,KILL'",
        "enabled=maybe; invalid reap.enabled='maybe' (from agent options enabled): expected true or false (also yes or no, on or off, 1 or 0)",
        "watchdog=2; invalid reap.watchdog='2'",
        "sweep=; invalid reap.sweep=''",
        "exclude=(unclosed; invalid reap.exclude='(unclosed' (from agent options exclude): expected a Java regular expression",
        "log=verbose; invalid reap.log='verbose' (from agent options log): expected one of off, error, warn, info, debug",
        "report= ; invalid reap.report=''",
        "stacks=yesplease; invalid reap.stacks='yesplease'",
        "leaks=loud; invalid reap.leaks='loud' (from agent options leaks): expected one of warn, off",
        "scope=class; invalid reap.scope='class' (from agent options scope): expected one of jvm, test",
        "gracee=3s; unknown key reap.gracee (from agent options): did you mean grace?",
        "colour=red; unknown key reap.colour (from agent options): known keys: reap.grace, reap.signals",
        "grace; agent option 'grace' is not key=value",
        "grace=1s,grace=2s; agent option grace is given twice",
    })
    void everyErrorIsOneLineNamingKeyValueAndWhatIsAccepted(String options, String expectedStart) {
        assertThatThrownBy(() -> load(options))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(expectedStart.trim())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void unknownSystemPropertyIsRejectedWithTheNearestKey() {
        assertThatThrownBy(() -> ConfigLoader.load(null, properties("reap.sigals", "INT,KILL"), NO_ENVIRONMENT))
                .hasMessage("unknown key reap.sigals (from system property -Dreap.sigals): did you mean reap.signals?");
    }

    @Test
    void badValuesNameTheirSource() {
        assertThatThrownBy(() -> ConfigLoader.load(null, properties("reap.grace", "soon"), NO_ENVIRONMENT))
                .hasMessageStartingWith("invalid reap.grace='soon' (from system property -Dreap.grace)");
        assertThatThrownBy(() -> ConfigLoader.load(null, NO_PROPERTIES, Map.of("REAP_LOG", "loud")))
                .hasMessageStartingWith("invalid reap.log='loud' (from environment REAP_LOG)");
    }

    @Test
    void unknownEnvironmentVariablesAreIgnoredBecauseTheTagSharesThePrefix() throws ConfigException {
        Config c = ConfigLoader.load(null, NO_PROPERTIES, Map.of("REAP_AGENT_SESSIONS", "1-2", "REAP_COLOUR", "red"));
        assertThat(c.enabled()).isTrue();
    }

    @Test
    void theLadderEndsInKill() throws ConfigException {
        assertThat(load("signals=KILL").ladder().signals()).containsExactly(Signal.KILL);
        assertThat(load("grace=2s").ladder().politeBound()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void splitKeepsCommasInsideValues() {
        assertThat(AgentOptions.split("signals=INT,TERM,KILL,log=debug"))
                .isEqualTo(List.of("signals=INT,TERM,KILL", "log=debug"));
    }
}
