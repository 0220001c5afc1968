package dev.mp.spring;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What mp publishes: every module the build deploys is in the BOM ({@code mp-dependencies}) and has a name and a
 * description; the BOM, which has no parent, repeats mp-parent's version, metadata and signing.
 */
class PublishedModulesTests {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final String BOM = "mp-dependencies";

	private final XPath xpath = XPathFactory.newInstance().newXPath();

	private final Document parent = pom(ROOT);

	private final Document bom = pom(ROOT.resolve(BOM));

	@Test
	void theBomListsEveryPublishedModuleAtItsOwnVersion() throws Exception {
		Map<String, Document> published = publishedModules();
		assertThat(published).containsKeys("mp-core", "mp-spring-boot-starter").doesNotContainKey("mp-sample-app");
		String managed = "/project/dependencyManagement/dependencies/dependency";
		assertThat(texts(this.bom, managed + "/artifactId")).containsExactlyInAnyOrderElementsOf(published.keySet());
		assertThat(texts(this.bom, managed + "/groupId")).containsOnly("dev.mp");
		assertThat(texts(this.bom, managed + "/version")).containsOnly("${project.version}");
		assertThat(texts(this.bom, managed + "/type")).isEmpty();
	}

	@Test
	void everyPublishedModuleHasANameAndADescription() throws Exception {
		publishedModules().forEach((artifactId, pom) -> {
			assertThat(text(pom, "/project/name")).as(artifactId).isNotBlank();
			assertThat(text(pom, "/project/description")).as(artifactId).isNotBlank();
		});
	}

	@Test
	void theBomRepeatsTheParentsVersionMetadataAndSigning() {
		List<String> shared = List.of("groupId", "version", "url", "licenses", "developers", "scm", "issueManagement",
				"profiles/profile[id='sign']");
		for (String element : shared) {
			assertThat(text(this.bom, "/project/" + element)).as(element)
				.isNotBlank()
				.isEqualTo(text(this.parent, "/project/" + element));
		}
		assertThat(text(this.bom, "/project/parent")).isEmpty();
	}

	/** The modules of the root pom that are deployed (no {@code maven.deploy.skip}), by artifactId; not the BOM. */
	private Map<String, Document> publishedModules() throws Exception {
		Map<String, Document> published = new TreeMap<>();
		for (String module : texts(this.parent, "/project/modules/module")) {
			Document pom = pom(ROOT.resolve(module));
			String artifactId = text(pom, "/project/artifactId");
			if (!artifactId.equals(BOM) && !text(pom, "/project/properties/maven.deploy.skip").equals("true")) {
				published.put(artifactId, pom);
			}
		}
		return published;
	}

	private List<String> texts(Document pom, String expression) throws Exception {
		NodeList nodes = (NodeList) this.xpath.evaluate(expression, pom, XPathConstants.NODESET);
		List<String> texts = new ArrayList<>();
		for (int i = 0; i < nodes.getLength(); i++) {
			texts.add(nodes.item(i).getTextContent().strip());
		}
		return texts;
	}

	/** The text of an element, whitespace collapsed, so that indentation does not count; empty when absent. */
	private String text(Document pom, String expression) {
		try {
			return this.xpath.evaluate(expression, pom).strip().replaceAll("\\s+", " ");
		}
		catch (Exception ex) {
			throw new IllegalStateException(expression, ex);
		}
	}

	private static Document pom(Path directory) {
		try {
			DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
			return factory.newDocumentBuilder().parse(directory.resolve("pom.xml").toFile());
		}
		catch (Exception ex) {
			throw new IllegalStateException("Cannot read the pom of " + directory, ex);
		}
	}

}
