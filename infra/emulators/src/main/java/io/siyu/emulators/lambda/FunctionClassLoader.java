package io.siyu.emulators.lambda;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * One function's class loader, built the way Lambda isolates a function: its own deployment jar
 * first. Only the JDK ({@code java.*}, {@code javax.*}, {@code jdk.*}, {@code sun.*}) and the
 * Lambda runtime interfaces and events ({@code com.amazonaws.services.lambda.runtime.*}) come from
 * the host first, so the host can pass a {@code Context} and event objects in and read the
 * results. Everything else comes from the jar alone, falling back to the JDK's platform loader
 * but never to the host's class path: a class the jar forgot to bundle fails here as it would in
 * AWS, instead of being borrowed from the local stack.
 */
public final class FunctionClassLoader extends URLClassLoader {

    private static final List<String> HOST_FIRST = List.of(
            "java.", "javax.", "jdk.", "sun.", "com.amazonaws.services.lambda.runtime.");

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader host;

    /**
     * @param jar  the function's deployment jar (the template's CodeUri)
     * @param host the loader that owns the Lambda runtime interfaces the caller uses
     */
    public FunctionClassLoader(String functionName, Path jar, ClassLoader host) {
        super("function:" + functionName, new URL[] {toUrl(jar)}, ClassLoader.getPlatformClassLoader());
        this.host = host;
    }

    /** Whether a class of this name is taken from the host before the function's jar. */
    public static boolean hostFirst(String className) {
        for (String prefix : HOST_FIRST) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                if (hostFirst(name)) {
                    try {
                        c = host.loadClass(name);
                    } catch (ClassNotFoundException notInHost) {
                        c = findClass(name);
                    }
                } else {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException notInJar) {
                        c = getParent().loadClass(name); // the platform loader: JDK classes only
                    }
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : getParent().getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        all.addAll(Collections.list(getParent().getResources(name)));
        return Collections.enumeration(all);
    }

    private static URL toUrl(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (IOException e) {
            throw new IllegalArgumentException("not a jar path: " + jar, e);
        }
    }
}
