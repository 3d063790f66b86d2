package io.catalog.testing;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * The local stack, declared once for the whole test module: every {@code @QuarkusTest} runs against the Redis and
 * dynalite that {@link LocalStackResource} starts, whether it runs alone or with the others.
 * <p>
 * Why once, here: a test resource not restricted to the class it annotates ({@code restrictToAnnotatedClass = false})
 * applies to every test, because Quarkus collects the {@code @QuarkusTestResource} annotations of all the test
 * classes, whichever class carries them. The same annotation repeated on each test class (35 of them did) added
 * nothing, and suggested that a test without it would run without the stack. Resources only some tests want are
 * restricted to those tests and stay on them ({@code VarnishResource}, {@code CloudFrontLikeResource}).
 */
@QuarkusTestResource(value = LocalStackResource.class, restrictToAnnotatedClass = false)
public final class LocalStack {

    private LocalStack() {
    }
}
