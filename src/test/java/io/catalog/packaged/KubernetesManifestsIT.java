package io.catalog.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The Kubernetes manifests {@code ./mvnw package} writes (quarkus-kubernetes, with src/main/kubernetes/kubernetes.yml
 * merged in), read back into the Kubernetes API's own model types: a Deployment whose probes reach the management
 * port, with requests and limits and its configuration from a ConfigMap and a Secret; a Service; an HPA on the
 * Deployment and a PodDisruptionBudget that selects its pods.
 */
class KubernetesManifestsIT {

    private static Map<String, HasMetadata> manifests() throws Exception {
        Path file = Path.of("target/kubernetes/kubernetes.yml");
        assertThat(file).as("written by ./mvnw package").exists();
        try (InputStream in = Files.newInputStream(file)) {
            Object parsed = Serialization.unmarshal(in);
            List<HasMetadata> items = parsed instanceof KubernetesList list ? list.getItems()
                    : parsed instanceof List<?> many ? many.stream().map(HasMetadata.class::cast).toList()
                            : List.of((HasMetadata) parsed);
            return items.stream().collect(Collectors.toMap(i -> i.getKind(), i -> i, (a, b) -> a));
        }
    }

    @Test
    void theDeploymentProbesTheManagementPortAndTakesItsConfigurationFromAConfigMapAndASecret() throws Exception {
        Map<String, HasMetadata> manifests = manifests();
        assertThat(manifests).containsKeys("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget");
        Deployment deployment = (Deployment) manifests.get("Deployment");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getPorts()).anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(9000));
        assertThat(container.getPorts()).anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(8080));
        for (var probe : List.of(container.getReadinessProbe(), container.getLivenessProbe())) {
            assertThat(probe).isNotNull();
            assertThat(probe.getHttpGet().getPath()).startsWith("/q/health/");
            assertThat(probe.getHttpGet().getPort().getIntVal() != null ? probe.getHttpGet().getPort().getIntVal()
                    : container.getPorts().stream().filter(p -> p.getName().equals(probe.getHttpGet().getPort().getStrVal()))
                            .findFirst().orElseThrow().getContainerPort())
                    .as("probes on the management port").isEqualTo(9000);
        }
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsKey("memory");
        assertThat(container.getEnvFrom().stream().map(e -> e.getConfigMapRef()).filter(java.util.Objects::nonNull)
                .map(r -> r.getName())).containsExactly("catalog-config");
        assertThat(container.getEnvFrom().stream().map(e -> e.getSecretRef()).filter(java.util.Objects::nonNull)
                .map(r -> r.getName())).containsExactly("catalog-secrets");
        assertThat(container.getStartupProbe().getHttpGet().getPort().getIntVal()).isEqualTo(9000);
    }

    @Test
    void theAutoscalerAndTheDisruptionBudgetTargetTheDeployment() throws Exception {
        Map<String, HasMetadata> manifests = manifests();
        Deployment deployment = (Deployment) manifests.get("Deployment");
        HorizontalPodAutoscaler hpa = (HorizontalPodAutoscaler) manifests.get("HorizontalPodAutoscaler");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
        assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
        PodDisruptionBudget pdb = (PodDisruptionBudget) manifests.get("PodDisruptionBudget");
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isLessThan(hpa.getSpec().getMinReplicas());
    }
}
