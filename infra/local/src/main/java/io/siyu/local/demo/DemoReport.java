package io.siyu.local.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's report: sections of lines, and every figure the stack reported next to the figure
 * expected from the generated input. The demo succeeds when no figure disagrees.
 */
public final class DemoReport {

    /** One compared figure. */
    public record Figure(String section, String name, long expected, long actual) {
        public boolean matches() {
            return expected == actual;
        }
    }

    private record Section(String title, List<String> lines) {}

    private final List<Section> sections = new ArrayList<>();
    private final List<Figure> figures = new ArrayList<>();

    public void section(String title, List<String> lines) {
        sections.add(new Section(title, List.copyOf(lines)));
    }

    /** Records a figure and returns its cell text ("12" or "12 (expected 13)"). */
    public String compare(String section, String name, long expected, long actual) {
        Figure f = new Figure(section, name, expected, actual);
        figures.add(f);
        return f.matches() ? Long.toString(actual) : actual + " (expected " + expected + ")";
    }

    public List<Figure> figures() {
        return List.copyOf(figures);
    }

    public List<Figure> mismatches() {
        return figures.stream().filter(f -> !f.matches()).toList();
    }

    /** The figure compared under this name, for tests. */
    public Figure figure(String section, String name) {
        return figures.stream().filter(f -> f.section().equals(section) && f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no figure " + section + " / " + name + " in " + figures));
    }

    public void print(PrintStream out) {
        out.println();
        out.println("Report");
        for (Section s : sections) {
            out.println("  " + s.title());
            s.lines().forEach(l -> out.println("    " + l));
        }
        List<Figure> wrong = mismatches();
        out.println();
        if (wrong.isEmpty()) {
            out.println(String.format(Locale.ROOT, "All %d figures match what the generated input implies.", figures.size()));
        } else {
            out.println(wrong.size() + " of " + figures.size() + " figures differ from what the generated input implies:");
            wrong.forEach(f -> out.println("  " + f.section() + " / " + f.name() + ": " + f.actual() + ", expected " + f.expected()));
        }
    }
}
