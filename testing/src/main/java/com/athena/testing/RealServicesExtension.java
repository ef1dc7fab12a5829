package com.athena.testing;

import com.athena.common.config.ServiceEnvironment;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.ArrayList;
import java.util.List;

/** Fails a test class up front when a service it {@link RequiresServices requires} is missing. */
public final class RealServicesExtension implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        RequiresServices required =
                AnnotationSupport.findAnnotation(
                                context.getRequiredTestClass(), RequiresServices.class)
                        .orElseThrow();
        ServiceEnvironment env = ServiceEnvironment.load();
        List<String> problems = new ArrayList<>();
        for (RealService service : required.value()) {
            String problem = service.problem(env);
            if (problem != null) {
                problems.add(problem);
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(
                    "Missing real services for "
                            + context.getRequiredTestClass().getSimpleName()
                            + ":\n  "
                            + String.join("\n  ", problems));
        }
    }
}
