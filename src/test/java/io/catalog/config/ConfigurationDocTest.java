package io.catalog.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/**
 * docs/CONFIGURATION.md lists exactly the settings of {@link CatalogConfig}, each with its default: a setting added,
 * renamed or re-defaulted without {@code bin/config-doc} fails here.
 */
class ConfigurationDocTest {

    private static final Pattern ROW = Pattern.compile("^\\| `(catalog\\.[a-z0-9.-]+)` \\| (-|`([^`]*)`) \\|",
            Pattern.MULTILINE);

    /** Every setting of the mapping, by name, with its default ({@code null}: none). */
    static Map<String, String> settings() {
        Map<String, String> settings = new TreeMap<>();
        walk(CatalogConfig.class, "catalog", settings);
        return settings;
    }

    private static void walk(Class<?> group, String prefix, Map<String, String> settings) {
        for (Method method : group.getDeclaredMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.isDefault() || method.getParameterCount() > 0) {
                continue;
            }
            WithName named = method.getAnnotation(WithName.class);
            String name = method.isAnnotationPresent(WithParentName.class) ? prefix
                    : prefix + "." + (named != null ? named.value() : kebab(method.getName()));
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getName().startsWith(CatalogConfig.class.getName())) {
                walk(type, name, settings);
            } else {
                WithDefault fallback = method.getAnnotation(WithDefault.class);
                settings.put(name, fallback == null ? null : fallback.value());
            }
        }
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    static Map<String, String> documented() throws Exception {
        String doc = Files.readString(Path.of("docs/CONFIGURATION.md"));
        Map<String, String> documented = new TreeMap<>();
        Matcher row = ROW.matcher(doc);
        while (row.find()) {
            documented.put(row.group(1), row.group(2).equals("-") ? null : row.group(3).equals("\"\"") ? "" : row.group(3));
        }
        return documented;
    }

    @Test
    void everySettingIsDocumentedWithItsDefaultAndNothingElse() throws Exception {
        Map<String, String> settings = settings();
        assertThat(settings).as("the mapping's settings").hasSizeGreaterThan(50).containsKey("catalog.l1.ttl")
                .containsEntry("catalog.l1.enabled", "true").containsEntry("catalog.rate-limit.trusted-hops", "1");
        assertThat(documented()).as("docs/CONFIGURATION.md against CatalogConfig (run bin/config-doc)")
                .isEqualTo(settings);
    }
}
