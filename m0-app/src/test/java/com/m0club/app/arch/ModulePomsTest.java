package com.m0club.app.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The module rules of docs/architecture.md that live in the poms (ArchUnit sees classes, not scopes): adapters
 * depend on exactly one port and are used by the app alone, the dev tooling is on no role module's compile classpath,
 * and the API depends on the view port, the protocol, the runtime and the HTTP layer only.
 */
class ModulePomsTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Set<String> PORTS = Set.of("m0-eventlog", "m0-view", "m0-chain", "m0-engine");
    /** Besides its port: the protocol, the runtime, and the HTTP layer every M0 listener runs on (adapters/README.md). */
    static final Set<String> ADAPTER_MAY_ALSO_USE = Set.of("m0-protocol", "m0-runtime", "m0-http");

    record Dep(String artifactId, String scope) {}

    record Module(String name, Path dir, List<Dep> deps) {
        List<String> m0(String... scopes) {
            Set<String> wanted = Set.of(scopes);
            return deps.stream().filter(d -> d.artifactId().startsWith("m0-")).filter(d -> wanted.contains(d.scope()))
                    .map(Dep::artifactId).toList();
        }
    }

    static Document parse(Path pom) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }

    static List<Module> modules() throws Exception {
        Document root = parse(ROOT.resolve("pom.xml"));
        NodeList names = ((Element) root.getElementsByTagName("modules").item(0)).getElementsByTagName("module");
        List<Module> modules = new ArrayList<>();
        for (int i = 0; i < names.getLength(); i++) {
            Path dir = ROOT.resolve(names.item(i).getTextContent().strip());
            Document pom = parse(dir.resolve("pom.xml"));
            Element project = pom.getDocumentElement();
            String artifact = directChild(project, "artifactId");
            List<Dep> deps = new ArrayList<>();
            NodeList depsNodes = pom.getElementsByTagName("dependency");
            for (int j = 0; j < depsNodes.getLength(); j++) {
                Element d = (Element) depsNodes.item(j);
                if (d.getParentNode().getParentNode() != project) {
                    continue; // plugin dependencies, dependencyManagement
                }
                String scope = d.getElementsByTagName("scope").getLength() == 0 ? "compile"
                        : d.getElementsByTagName("scope").item(0).getTextContent().strip();
                deps.add(new Dep(d.getElementsByTagName("artifactId").item(0).getTextContent().strip(), scope));
            }
            modules.add(new Module(artifact, dir, deps));
        }
        return modules;
    }

    static String directChild(Element parent, String tag) {
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e && e.getTagName().equals(tag)) {
                return e.getTextContent().strip();
            }
        }
        throw new AssertionError(parent.getTagName() + " has no " + tag);
    }

    @Test
    void everyAdapterDirectoryIsAModuleAndEveryAdapterSitsOnExactlyOnePort() throws Exception {
        List<Module> modules = modules();
        List<Path> adapterDirs;
        try (Stream<Path> s = Files.list(ROOT.resolve("adapters"))) {
            adapterDirs = s.filter(Files::isDirectory).map(Path::normalize).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError("the adapters/ folder (docs/architecture.md) is missing", e);
        }
        List<Module> adapters = modules.stream().filter(m -> m.dir().startsWith(ROOT.resolve("adapters"))).toList();
        assertThat(adapters.stream().map(Module::dir).sorted().toList()).as("adapters/ modules in the root pom")
                .isEqualTo(adapterDirs);
        for (Module adapter : adapters) {
            List<String> m0 = adapter.m0("compile", "runtime");
            assertThat(m0.stream().filter(PORTS::contains)).as(adapter.name() + ": ports").hasSize(1);
            assertThat(m0).as(adapter.name() + ": M0 modules besides its port")
                    .allMatch(a -> PORTS.contains(a) || ADAPTER_MAY_ALSO_USE.contains(a));
        }
    }

    @Test
    void onlyTheAppDependsOnAdaptersAndTheDevkitOutsideTests() throws Exception {
        List<Module> modules = modules();
        Set<String> adapters = Set.copyOf(modules.stream()
                .filter(m -> m.dir().startsWith(ROOT.resolve("adapters"))).map(Module::name).toList());
        for (Module m : modules) {
            if (m.name().equals("m0-app") || m.name().equals("m0-bench")) {
                continue; // composition, and the benchmarks that drive it
            }
            assertThat(m.m0("compile", "runtime", "provided")).as(m.name() + " on adapters or m0-devkit")
                    .noneMatch(a -> adapters.contains(a) || a.equals("m0-devkit"));
        }
    }

    @Test
    void theApiDependsOnTheViewTheProtocolAndTheHttpLayerOnly() throws Exception {
        Module api = modules().stream().filter(m -> m.name().equals("m0-api")).findFirst().orElseThrow();
        assertThat(api.m0("compile", "runtime", "provided")).containsExactlyInAnyOrder("m0-protocol", "m0-view",
                "m0-http");
        assertThat(api.deps()).extracting(Dep::artifactId)
                .doesNotContain("postgresql", "flyway-core", "HikariCP", "kafka-clients");
    }
}
