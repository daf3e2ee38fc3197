package dev.herald.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of README.md and docs/*.md compiles against Herald as built, with
 * this module's test class path (so every Herald module examples depends on, herald-testing,
 * JUnit and AssertJ). The conventions, for whoever writes docs, are in CONTRIBUTING.md:
 *
 * <ul>
 *   <li>A block of statements is compiled as the body of a method that may throw; a block that
 *       starts with a type declaration ({@code class}, {@code final class}, {@code record},
 *       {@code interface}...) is compiled as a member of a class.
 *   <li>Every public package of Herald, {@code java.time}, {@code java.util},
 *       {@code java.util.concurrent}, {@code java.util.stream}, {@code java.nio.file}, JUnit's
 *       {@code org.junit.jupiter.api} and AssertJ's {@code Assertions} (static) are imported;
 *       {@code import} lines in the block are added to them.
 *   <li>What a block uses without declaring it is declared in an HTML comment right above the
 *       block, which renders as nothing: {@code <!-- given: String subscriptionJson; Herald
 *       herald; -->}. Its text is pasted into the class as member declarations.
 *   <li>Only {@code ```java} blocks are compiled; {@code ```xml}, {@code ```yaml}, {@code ```sh},
 *       {@code ```text} and the rest are left alone.
 * </ul>
 */
class DocSnippetsTest {
  private static final Pattern FENCE = Pattern.compile("^```\\s*(\\S*)\\s*$");
  private static final Pattern GIVEN =
      Pattern.compile("<!--\\s*given:(.*?)-->\\s*$", Pattern.DOTALL);
  private static final Pattern TYPE_DECLARATION = Pattern.compile(
      "^(@\\w+\\s+)*((public|protected|private|abstract|final|static|sealed|non-sealed)\\s+)*"
          + "(class|record|interface|enum|@interface)\\s+\\w+.*"
          // or a method with at least one modifier: static Herald embed(DataSource ds) {
          + "|^((public|protected|private|abstract|final|static)\\s+)+[\\w<>\\[\\],.? ]+\\s+\\w+\\s*\\(.*");
  private static final List<String> IMPORTS = List.of(
      "java.time.*", "java.util.*", "java.util.concurrent.*", "java.util.stream.*",
      "java.nio.file.*", "java.util.concurrent.atomic.*", "javax.sql.DataSource",
      "org.junit.jupiter.api.*");

  /** A java block: where it is, what it says, and what it is given. */
  record Snippet(Path file, int line, List<String> code, String given, int givenLine) {
    String where() {
      return file + ":" + line;
    }

    String className() {
      String base = file.getFileName().toString().replaceAll("[^A-Za-z0-9]", "_");
      return "Snippet_" + base + "_L" + line;
    }
  }

  @Test
  void everyJavaBlockInTheReadmeAndTheGuidesCompiles(@TempDir Path out) throws IOException {
    Path root = projectRoot();
    List<Path> files = new ArrayList<>();
    files.add(root.resolve("README.md"));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    List<Snippet> snippets = new ArrayList<>();
    for (Path f : files) {
      snippets.addAll(javaBlocks(root.relativize(f), Files.readAllLines(f)));
    }
    assertThat(snippets).as("java blocks found in %s", files).hasSizeGreaterThan(20);

    List<String> errors = compile(snippets, out);

    assertThat(errors)
        .as("Java blocks in the docs that do not compile (conventions: CONTRIBUTING.md)")
        .isEmpty();
  }

  /** The java blocks of one Markdown file, with the line each starts on (1-based, its first code line). */
  static List<Snippet> javaBlocks(Path file, List<String> lines) {
    List<Snippet> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = FENCE.matcher(lines.get(i).strip());
      if (!open.matches()) {
        continue;
      }
      int end = i + 1;
      while (end < lines.size() && !lines.get(end).strip().startsWith("```")) {
        end++;
      }
      if (open.group(1).toLowerCase(Locale.ROOT).equals("java")) {
        String given = "";
        int givenLine = i + 1;
        int j = i - 1;
        while (j >= 0 && lines.get(j).isBlank()) {
          j--;
        }
        if (j >= 0 && lines.get(j).strip().endsWith("-->")) {
          int start = j;
          while (start > 0 && !lines.get(start).contains("<!--")) {
            start--;
          }
          Matcher g = GIVEN.matcher(String.join("\n", lines.subList(start, j + 1)).strip());
          if (g.find()) {
            given = g.group(1);
            givenLine = start + 1;
          }
        }
        blocks.add(new Snippet(file, i + 2, lines.subList(i + 1, Math.min(end, lines.size())),
            given, givenLine));
      }
      i = end;
    }
    return blocks;
  }

  private List<String> compile(List<Snippet> snippets, Path out) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<Path> classPath = classPath();
    List<String> imports = new ArrayList<>(IMPORTS);
    heraldPackages(classPath).forEach(p -> imports.add(p + ".*"));
    List<JavaFileObject> sources = new ArrayList<>();
    List<Integer> headerLines = new ArrayList<>();
    for (Snippet s : snippets) {
      StringBuilder header = new StringBuilder("package snippets;");
      imports.forEach(i -> header.append(" import ").append(i).append(';'));
      header.append(" import static org.assertj.core.api.Assertions.*;");
      List<String> body = new ArrayList<>();
      for (String line : s.code()) {
        if (line.startsWith("import ")) {
          header.append(' ').append(line.strip());
          body.add("");
        } else {
          body.add(line);
        }
      }
      boolean declaresTypes = body.stream().map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("//") && !l.startsWith("@"))
          .findFirst().map(l -> TYPE_DECLARATION.matcher(l).matches()).orElse(false);
      header.append('\n');
      header.append("@SuppressWarnings(\"all\") abstract class ").append(s.className())
          .append(" {").append(declaresTypes ? "" : " void snippet() throws Throwable {")
          .append('\n');
      headerLines.add(2);
      StringBuilder text = new StringBuilder(header);
      body.forEach(l -> text.append(l).append('\n'));
      text.append(declaresTypes ? "" : "}").append('\n');
      text.append(s.given()).append("\n}\n");
      sources.add(new SimpleJavaFileObject(
          URI.create("string:///snippets/" + s.className() + ".java"), JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return text;
        }
      });
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      List<String> options = List.of("-proc:none", "-Xlint:none", "-nowarn", "-d", out.toString(),
          "-classpath", String.join(java.io.File.pathSeparator,
              classPath.stream().map(Path::toString).toList()));
      javac.getTask(null, files, diagnostics, options, null, sources).call();
    }
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      int index = -1;
      for (int i = 0; i < sources.size(); i++) {
        if (sources.get(i) == d.getSource()) {
          index = i;
        }
      }
      if (index < 0) {
        errors.add(d.getMessage(Locale.ROOT));
        continue;
      }
      Snippet s = snippets.get(index);
      long line = d.getLineNumber() - headerLines.get(index) - 1; // 0-based line in the block
      String where;
      if (line < 0) {
        where = s.where() + " (imports)";
      } else if (line < s.code().size()) {
        where = s.file() + ":" + (s.line() + line);
      } else {
        where = s.file() + ":" + (s.givenLine() + line - s.code().size() - 1)
            + " (the given: comment of the block at line " + s.line() + ")";
      }
      String message = d.getMessage(Locale.ROOT);
      if (message.contains("cannot find symbol") || message.contains("does not exist")) {
        message += "\n    (declare it in a <!-- given: ... --> comment above the block, or add"
            + " the module that has it to examples/pom.xml; see CONTRIBUTING.md)";
      }
      errors.add(where + ": " + message);
    }
    return errors;
  }

  /** The folder with README.md and docs/, looked for from the working directory up. */
  private static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !(Files.isRegularFile(dir.resolve("README.md"))
        && Files.isDirectory(dir.resolve("docs")))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("a folder above %s with README.md and docs/", Path.of("").toAbsolutePath())
        .isNotNull();
    return dir;
  }

  /** The test class path, with a manifest-only jar (Surefire's) expanded into its entries. */
  private static List<Path> classPath() throws IOException {
    List<Path> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path p = Path.of(e);
      entries.add(p);
      if (Files.isRegularFile(p) && p.toString().endsWith(".jar")) {
        try (JarFile jar = new JarFile(p.toFile())) {
          Manifest manifest = jar.getManifest();
          String more = manifest == null ? null
              : manifest.getMainAttributes().getValue("Class-Path");
          if (more != null) {
            for (String url : more.trim().split("\\s+")) {
              entries.add(Path.of(p.getParent().toUri().resolve(url)));
            }
          }
        }
      }
    }
    return entries;
  }

  /** The public packages of Herald's modules: those under dev.herald but not internal. */
  private static Set<String> heraldPackages(List<Path> classPath) {
    Set<String> packages = new TreeSet<>();
    for (Path entry : classPath) {
      if (Files.isDirectory(entry)) {
        if (entry.toString().contains("test-classes")) {
          continue; // this module's own tests
        }
        try (Stream<Path> all = Files.walk(entry)) {
          all.filter(f -> f.toString().endsWith(".class"))
              .forEach(f -> addPackage(packages, entry.relativize(f.getParent()).toString()
                  .replace(entry.getFileSystem().getSeparator(), "/")));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else if (Files.isRegularFile(entry) && entry.getFileName().toString().startsWith("herald-")) {
        try (JarFile jar = new JarFile(entry.toFile())) {
          for (Enumeration<JarEntry> all = jar.entries(); all.hasMoreElements(); ) {
            String name = all.nextElement().getName();
            if (name.endsWith(".class") && name.contains("/")) {
              addPackage(packages, name.substring(0, name.lastIndexOf('/')));
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return packages;
  }

  private static void addPackage(Set<String> packages, String folder) {
    if (folder.startsWith("dev/herald") && !folder.contains("internal")
        && !folder.startsWith("dev/herald/cli") && !folder.startsWith("dev/herald/benchmarks")) {
      packages.add(folder.replace('/', '.'));
    }
  }
}
