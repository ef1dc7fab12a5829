package com.athena.testing;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an integration test that needs real services. A missing service fails the test class with a
 * message naming the service and how to start it; it never skips.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealServicesExtension.class)
public @interface RequiresServices {
    RealService[] value();
}
