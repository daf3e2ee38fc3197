package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * herald-testing puts no JUnit or AssertJ on a user's class path (the user's versions win), and
 * only the store contracts need them.
 */
class TestFrameworkDependenciesTest {

  @Test
  void junitAndAssertjAreOptionalOrTestScoped() throws Exception {
    Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(Path.of("pom.xml").toFile()).getDocumentElement();
    List<String> leaking = new ArrayList<>();
    for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (!(n instanceof Element e) || !e.getTagName().equals("dependencies")) {
        continue;
      }
      NodeList deps = e.getElementsByTagName("dependency");
      for (int i = 0; i < deps.getLength(); i++) {
        Element d = (Element) deps.item(i);
        String group = text(d, "groupId");
        boolean framework = group.startsWith("org.junit") || group.equals("org.assertj");
        boolean transitive = !text(d, "optional").equals("true")
            && !List.of("test", "provided").contains(text(d, "scope"));
        if (framework && transitive) {
          leaking.add(group + ":" + text(d, "artifactId"));
        }
      }
    }
    assertThat(leaking).as("test frameworks herald-testing would impose on its users").isEmpty();
  }

  @Test
  void onlyTheStoreContractsUseJunitOrAssertj() throws IOException {
    Path classes = Path.of("target", "classes");
    List<String> users = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String constants = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        if (constants.contains("org/junit/") || constants.contains("org/assertj/")) {
          users.add(classes.relativize(f).toString());
        }
      }
    }
    assertThat(users).isNotEmpty()
        .allSatisfy(c -> assertThat(c).matches(".*Contract(\\$.*)?\\.class"));
  }

  private static String text(Element parent, String tag) {
    NodeList found = parent.getElementsByTagName(tag);
    return found.getLength() == 0 ? "" : found.item(0).getTextContent().strip();
  }
}
