package io.catalog.deploy;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * {@code cdk synth} / {@code cdk deploy} entry point (see cdk.json). Settings come from CDK
 * context, e.g. {@code cdk deploy -c imageUri=<ecr image> -c dax=true}; see {@link StackConfig}.
 */
public final class CatalogApp {

    private CatalogApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        StackConfig config = StackConfig.fromContext(app.getNode());
        Object stackName = app.getNode().tryGetContext("stackName");
        new CatalogStack(app, stackName == null ? "CatalogService" : stackName.toString(), StackProps.builder()
                .description("Catalog service: multi-level caching that never ships a stale price")
                .env(Environment.builder()
                        .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
                        .region(System.getenv("CDK_DEFAULT_REGION"))
                        .build())
                .build(), config);
        app.synth();
    }
}
