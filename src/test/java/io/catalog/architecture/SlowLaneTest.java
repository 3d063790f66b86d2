package io.catalog.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Tags;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.properties.HasAnnotations;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The fast lane leaves out, and the slow lane runs, the test classes listed in {@code src/test/lanes/slow-tests.txt}
 * (pom.xml): the list must name exactly the classes tagged {@code slow} (on themselves or a superclass), and only
 * whole classes may be: a slow method of an otherwise fast class would leave its class's other tests in neither lane.
 * Read from the compiled classes (ArchUnit), so every way of writing the tag counts and none in a comment does.
 */
class SlowLaneTest {

    private static final JavaClasses TESTS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS).importPackages("io.catalog");

    @Test
    void theSlowLanesListNamesExactlyTheClassesTaggedSlow() throws IOException {
        List<String> listed = Files.readAllLines(Path.of("src/test/lanes/slow-tests.txt")).stream()
                .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).sorted().toList();
        List<String> tagged = TESTS.stream()
                .filter(c -> !c.isNestedClass() && !c.getModifiers().contains(JavaModifier.ABSTRACT))
                .filter(SlowLaneTest::taggedSlow).map(c -> c.getName().replace('.', '/') + ".java").sorted().toList();

        assertThat(tagged).as("classes tagged slow").isNotEmpty();
        assertThat(listed).as("src/test/lanes/slow-tests.txt").isEqualTo(tagged);
    }

    @Test
    void onlyWholeClassesAreTaggedSlow() {
        List<String> slowMembers = TESTS.stream().flatMap(c -> c.getMethods().stream())
                .filter(SlowLaneTest::hasSlowTag).map(Object::toString).toList();
        List<String> slowNested = TESTS.stream().filter(JavaClass::isNestedClass).filter(SlowLaneTest::hasSlowTag)
                .map(JavaClass::getName).toList();

        assertThat(slowMembers).as("methods tagged slow").isEmpty();
        assertThat(slowNested).as("nested classes tagged slow").isEmpty();
    }

    private static boolean taggedSlow(JavaClass type) {
        return hasSlowTag(type) || type.getAllRawSuperclasses().stream().anyMatch(SlowLaneTest::hasSlowTag);
    }

    private static boolean hasSlowTag(HasAnnotations<?> element) {
        Stream<Tag> single = element.tryGetAnnotationOfType(Tag.class).stream();
        Stream<Tag> repeated = element.tryGetAnnotationOfType(Tags.class).stream().flatMap(t -> Stream.of(t.value()));
        return Stream.concat(single, repeated).anyMatch(t -> t.value().equals("slow"));
    }
}
