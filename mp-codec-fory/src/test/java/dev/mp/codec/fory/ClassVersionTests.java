package dev.mp.codec.fory;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mp.SerializationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A worker that runs another build of a class than its parent (a rolling deploy) fails to decode it, with a message
 * that says so, instead of decoding garbage. Each build is compiled here and loaded by a loader of its own.
 */
class ClassVersionTests {

	private static final String RECORD_V1 = "package com.example.versioned; public record Item(String name, int quantity) {}";

	private static final String RECORD_V2 = "package com.example.versioned; "
			+ "public record Item(String name, long quantity, String note) {}";

	private static final String CLASS_V1 = "package com.example.versioned; public class Account {"
			+ " public String id = \"a-1\"; public int balance = 7; }";

	private static final String CLASS_V2 = "package com.example.versioned; public class Account {"
			+ " public String id = \"a-1\"; public long balance = 7; }";

	private final ForyCodec codec = TestCodecs.fory("com.example.versioned.*");

	@TempDir
	Path builds;

	@Test
	void aRecordOfAnotherBuildFailsClearly() throws Exception {
		ClassLoader older = build("v1", RECORD_V1);
		ClassLoader newer = build("v2", RECORD_V2);
		byte[] bytes = this.codec.encode(List.of(newRecord(older, "bolt", 3)));
		assertThatExceptionOfType(SerializationException.class).isThrownBy(() -> this.codec.decode(bytes, newer))
			.withMessageContaining("com.example.versioned.Item")
			.withMessageContaining("both sides must run the same build");
	}

	@Test
	void aClassWhoseFieldChangedTypeFailsClearly() throws Exception {
		ClassLoader older = build("v1", CLASS_V1);
		ClassLoader newer = build("v2", CLASS_V2);
		byte[] bytes = this.codec.encode(older.loadClass("com.example.versioned.Account").getConstructor().newInstance());
		assertThatExceptionOfType(SerializationException.class).isThrownBy(() -> this.codec.decode(bytes, newer))
			.withMessageContaining("com.example.versioned.Account")
			.withMessageContaining("both sides must run the same build");
	}

	@Test
	void theSameBuildInAnotherLoaderDecodes() throws Exception {
		ClassLoader one = build("one", RECORD_V1);
		ClassLoader other = build("other", RECORD_V1);
		Object decoded = this.codec.decode(this.codec.encode(newRecord(one, "nut", 9)), other);
		assertThat(decoded.getClass().getClassLoader()).isSameAs(other);
		assertThat(decoded).hasToString("Item[name=nut, quantity=9]");
	}

	private static Object newRecord(ClassLoader loader, String name, int quantity) throws ReflectiveOperationException {
		Constructor<?> constructor = loader.loadClass("com.example.versioned.Item").getConstructor(String.class,
				int.class);
		return constructor.newInstance(name, quantity);
	}

	private ClassLoader build(String name, String source) throws IOException {
		Path dir = Files.createDirectories(this.builds.resolve(name));
		String simpleName = source.replaceAll("(?s).*public (?:record|class) (\\w+).*", "$1");
		Path file = Files.writeString(Files.createDirectories(dir.resolve("com/example/versioned"))
			.resolve(simpleName + ".java"), source);
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		assertThat(compiler.run(null, null, null, "-d", dir.toString(), file.toString())).isZero();
		return new URLClassLoader(new URL[] { dir.toUri().toURL() }, getClass().getClassLoader());
	}

}
