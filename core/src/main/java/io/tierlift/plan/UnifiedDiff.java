package io.tierlift.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff in unified format (the shape `diff -u` and `git diff` print), from the longest
 * common subsequence of the two files' lines. Config files are small, so the quadratic table is fine;
 * files over a few thousand lines get a one-line summary instead.
 */
public final class UnifiedDiff {
    private static final int CONTEXT = 3;
    private static final int MAX_LINES = 4000;

    public String diff(String label, String before, String after) {
        List<String> a = before.isEmpty() ? List.of() : before.lines().toList();
        List<String> b = after.isEmpty() ? List.of() : after.lines().toList();
        if (a.size() > MAX_LINES || b.size() > MAX_LINES) {
            return "(" + label + ": " + a.size() + " lines before, " + b.size() + " after; too large to show)\n";
        }
        List<Edit> edits = edits(a, b);
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(label).append(" (live)\n").append("+++ ").append(label).append(" (planned)\n");
        int i = 0;
        while (i < edits.size()) {
            if (edits.get(i).kind == ' ') {
                i++;
                continue;
            }
            int start = Math.max(0, i - CONTEXT);
            int end = i;
            int lastChange = i;
            while (end < edits.size() && (edits.get(end).kind != ' ' || end - lastChange <= 2 * CONTEXT)) {
                if (edits.get(end).kind != ' ') {
                    lastChange = end;
                }
                end++;
            }
            end = Math.min(edits.size(), lastChange + CONTEXT + 1);
            int aStart = edits.get(start).aLine;
            int bStart = edits.get(start).bLine;
            int aCount = 0;
            int bCount = 0;
            for (int k = start; k < end; k++) {
                if (edits.get(k).kind != '+') {
                    aCount++;
                }
                if (edits.get(k).kind != '-') {
                    bCount++;
                }
            }
            out.append("@@ -").append(aStart + 1).append(',').append(aCount)
                    .append(" +").append(bStart + 1).append(',').append(bCount).append(" @@\n");
            for (int k = start; k < end; k++) {
                out.append(edits.get(k).kind).append(edits.get(k).text).append('\n');
            }
            i = end;
        }
        return out.toString();
    }

    private record Edit(char kind, String text, int aLine, int bLine) {
    }

    private static List<Edit> edits(List<String> a, List<String> b) {
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Edit> edits = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                edits.add(new Edit(' ', a.get(i), i, j));
                i++;
                j++;
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                // Removals first, as diff -u prints them.
                edits.add(new Edit('-', a.get(i), i, j));
                i++;
            } else {
                edits.add(new Edit('+', b.get(j), i, j));
                j++;
            }
        }
        return edits;
    }
}
