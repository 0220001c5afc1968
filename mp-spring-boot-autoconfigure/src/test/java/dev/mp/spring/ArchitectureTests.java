package dev.mp.spring;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rooms of mp: applications use the API ({@code dev.mp}, {@code dev.mp.sync}); mp's own glue (Spring,
 * Kubernetes, codecs) plugs in through the SPI ({@code dev.mp.spi}); the engine ({@code dev.mp.internal.*}) is reached
 * by neither, and shows in no signature of theirs.
 */
class ArchitectureTests {

	private static final String INTERNAL = "dev.mp.internal..";

	/** mp's main classes, from directories or, in a full build, from the modules' jars; never their tests. */
	private static final JavaClasses MP = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.withImportOption((location) -> !location.contains("-tests.jar"))
		.importPackages("dev.mp");

	@Test
	void theRulesSeeEveryModule() {
		assertThat(MP.stream().map(JavaClass::getName)).contains("dev.mp.ProcessTemplate",
				"dev.mp.internal.worker.WorkerMain", "dev.mp.spring.autoconfigure.MpAutoConfiguration",
				"dev.mp.kubernetes.KubernetesWorkerLauncher", "dev.mp.codec.fory.ForyCodec")
			.noneMatch((name) -> name.endsWith("Tests") || name.endsWith("IT"));
	}

	@Test
	void theGlueModulesUseOnlyTheApiAndTheSpi() {
		noClasses().that()
			.resideInAnyPackage("dev.mp.spring..", "dev.mp.kubernetes..", "dev.mp.codec..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage(INTERNAL)
			.check(MP);
	}

	@Test
	void theApiAndTheSpiShowNoEngineTypeInTheirSignatures() {
		classes().that()
			.resideInAnyPackage("dev.mp", "dev.mp.sync", "dev.mp.spi")
			.and()
			.arePublic()
			.should(exposeNoEngineType())
			.check(MP);
	}

	@Test
	void theEngineRoomsFormNoCycle() {
		slices().matching("dev.mp.internal.(*)..").should().beFreeOfCycles().check(MP);
	}

	@Test
	void thePackagesBelowTheApiFormNoCycle() {
		slices().matching("dev.mp.(**)").should().beFreeOfCycles().check(MP);
	}

	@Test
	void everyPackageIsNullMarked() {
		Set<String> unmarked = new TreeSet<>();
		for (JavaClass type : MP) {
			String name = type.getPackageName();
			try {
				if (!Class.forName(name + ".package-info").isAnnotationPresent(NullMarked.class)) {
					unmarked.add(name);
				}
			}
			catch (ClassNotFoundException ex) {
				unmarked.add(name);
			}
		}
		assertThat(unmarked).as("packages without a @NullMarked package-info").isEmpty();
	}

	private static ArchCondition<JavaClass> exposeNoEngineType() {
		return new ArchCondition<>("show no type of dev.mp.internal in a public or protected signature") {

			@Override
			public void check(JavaClass type, ConditionEvents events) {
				Stream<JavaType> supertypes = Stream.concat(type.getRawSuperclass().stream(),
						type.getRawInterfaces().stream());
				supertypes.filter(ArchitectureTests::isEngine)
					.forEach((engine) -> events.add(SimpleConditionEvent.violated(type,
							type.getName() + " extends " + engine.getName())));
				for (JavaMember member : type.getMembers()) {
					if (!member.getModifiers().contains(JavaModifier.PUBLIC)
							&& !member.getModifiers().contains(JavaModifier.PROTECTED)) {
						continue;
					}
					signatureTypes(member).filter(ArchitectureTests::isEngine)
						.forEach((engine) -> events.add(SimpleConditionEvent.violated(member,
								member.getFullName() + " shows " + engine.getName())));
				}
			}

		};
	}

	private static Stream<JavaClass> signatureTypes(JavaMember member) {
		if (member instanceof JavaField field) {
			return Stream.of(field.getRawType());
		}
		JavaCodeUnit code = (JavaCodeUnit) member;
		return Stream.concat(Stream.concat(Stream.of(code.getRawReturnType()), code.getRawParameterTypes().stream()),
				code.getThrowsClause().getTypes().stream());
	}

	private static boolean isEngine(JavaType type) {
		return type.toErasure().getPackageName().startsWith("dev.mp.internal");
	}

}
