package dev.reap.maven;

import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/** {@code prepare-agent} for Failsafe's forks: run before the integration tests, reports named {@code <artifactId>-it-<pid>.json}. */
@Mojo(name = "prepare-agent-integration", defaultPhase = LifecyclePhase.PRE_INTEGRATION_TEST, threadSafe = true)
public class PrepareAgentIntegrationMojo extends PrepareAgentMojo {
    @Override
    String reportPrefix() {
        return "it-";
    }
}
