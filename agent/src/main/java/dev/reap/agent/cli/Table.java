package dev.reap.agent.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain text table: columns padded to their widest cell, the last one left free. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final String indent;

    Table(String indent, String... header) {
        this.indent = indent;
        rows.add(header);
    }

    Table row(Object... cells) {
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            text[i] = cells[i] == null ? "-" : cells[i].toString();
        }
        rows.add(text);
        return this;
    }

    void print(PrintStream out) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns - 1; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < columns; i++) {
                line.append(row[i]);
                if (i < columns - 1) {
                    for (int pad = row[i].length(); pad < widths[i] + 2; pad++) {
                        line.append(' ');
                    }
                }
            }
            out.println(line);
        }
    }

    /** {@code 42s}, {@code 5m}, {@code 3h}, {@code 2d}; from a start time in clock ticks after boot. */
    static String age(long startTicks, double uptimeSeconds) {
        long seconds = ageSeconds(startTicks, uptimeSeconds);
        if (seconds < 0) {
            return "?";
        }
        if (seconds < 120) {
            return seconds + "s";
        }
        if (seconds < 7_200) {
            return seconds / 60 + "m";
        }
        if (seconds < 172_800) {
            return seconds / 3_600 + "h";
        }
        return seconds / 86_400 + "d";
    }

    /** Seconds since the start, or -1 when the uptime is unknown. */
    static long ageSeconds(long startTicks, double uptimeSeconds) {
        return uptimeSeconds < 0 ? -1
                : Math.max(0, (long) (uptimeSeconds - startTicks / (double) dev.reap.agent.proc.ProcClock.TICKS_PER_SECOND));
    }

    /** A command line cut to fit a terminal line. */
    static String command(String commandLine, int max) {
        if (commandLine == null) {
            return "?";
        }
        return commandLine.length() <= max ? commandLine : commandLine.substring(0, max - 3) + "...";
    }
}
