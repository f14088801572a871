package io.quantedge.tck;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** The outcome of running some of the kit's tests for one conformance class through the JUnit Platform. */
record KitRun(int succeeded, List<String> failures) {

    static KitRun of(Class<? extends KernelBackendConformance> conformance, String... testMethods) {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (String method : testMethods) {
            request.selectors(selectMethod(conformance, method));
        }
        Listener listener = new Listener();
        LauncherFactory.create().execute(request.build(), listener);
        return new KitRun(listener.succeeded, List.copyOf(listener.failures));
    }

    private static final class Listener implements TestExecutionListener {

        private int succeeded;
        private final List<String> failures = new ArrayList<>();

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (!test.isTest()) {
                if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                    failures.add(test.getDisplayName() + ": " + result.getThrowable().map(Throwable::toString)
                            .orElse("failed"));
                }
                return;
            }
            if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                succeeded++;
            } else {
                failures.add(test.getDisplayName() + ": " + result.getThrowable().map(Throwable::getMessage)
                        .orElse("failed"));
            }
        }
    }
}
