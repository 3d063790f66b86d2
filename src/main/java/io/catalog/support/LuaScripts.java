package io.catalog.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Redis Lua scripts, kept as resource files ({@code src/main/resources/lua/<name>.lua}, each with its keys and
 * arguments documented at its top) so that they read as Lua, not as Java strings. Loaded once, when the class that
 * sends a script is initialised; a missing script fails that at once.
 */
public final class LuaScripts {

    private LuaScripts() {
    }

    /** The text of {@code lua/<name>.lua}. */
    public static String load(String name) {
        String path = "lua/" + name + ".lua";
        try (InputStream in = LuaScripts.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Lua script " + path + " is missing from the application");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
    }
}
