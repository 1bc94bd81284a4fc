package com.seglamater.hivemind.model.version;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

class JarVersionTest {

    /** Loaded again from a jar of the test's making. */
    public static final class Probe {
    }

    @Test
    void outsideAJarItIsDev() {
        // Tests run from target/test-classes, which has no manifest.
        assertThat(JarVersion.of(Probe.class)).isEqualTo("dev").isEqualTo(JarVersion.DEV);
    }

    @Test
    void inAJarItIsTheManifestsImplementationVersion(@TempDir Path dir) throws Exception {
        assertThat(versionInJar(dir.resolve("a.jar"), "0.3.1-rc.2")).isEqualTo("0.3.1-rc.2");
    }

    @Test
    void aJarWithoutOrWithABlankVersionIsDev(@TempDir Path dir) throws Exception {
        assertThat(versionInJar(dir.resolve("none.jar"), null)).isEqualTo("dev");
        assertThat(versionInJar(dir.resolve("blank.jar"), " ")).isEqualTo("dev");
    }

    private static String versionInJar(Path jar, String version) throws IOException, ReflectiveOperationException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (version != null) {
            manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        }
        String entry = Probe.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream classBytes = Probe.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            classBytes.transferTo(out);
            out.closeEntry();
        }
        // No parent but the platform's: the probe class must come from the jar, not from test-classes.
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> probe = loader.loadClass(Probe.class.getName());
            assertThat(probe.getClassLoader()).isSameAs(loader);
            return JarVersion.of(probe);
        }
    }
}
