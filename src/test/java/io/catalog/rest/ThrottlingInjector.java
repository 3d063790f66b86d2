package io.catalog.rest;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * An injected fault: while {@link #THROTTLING} is on, every attempt of a DynamoDB call fails as DynamoDB fails a
 * throttled request, before it is sent (registered with {@code quarkus.dynamodb.interceptors} by the test profile).
 */
public class ThrottlingInjector implements ExecutionInterceptor {

    static final AtomicBoolean THROTTLING = new AtomicBoolean();
    static final AtomicInteger ATTEMPTS = new AtomicInteger();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (THROTTLING.get()) {
            ATTEMPTS.incrementAndGet();
            throw ProvisionedThroughputExceededException.builder().statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException")
                            .errorMessage("injected by the test").serviceName("DynamoDb").build())
                    .message("injected by the test").build();
        }
    }
}
