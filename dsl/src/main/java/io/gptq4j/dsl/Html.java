package io.gptq4j.dsl;

/** Small helpers for the HTML that result objects show in notebooks. */
final class Html {
    private Html() {
    }

    /** Escapes text for an HTML element body or a quoted attribute. */
    static String escape(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '&' -> s.append("&amp;");
                case '"' -> s.append("&quot;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }

    /** Formats a number with 4 significant digits, as tables and summaries show them. */
    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        return String.format(java.util.Locale.ROOT, "%.4g", value);
    }

    /** Renders warnings as a highlighted list, or nothing when there are none. */
    static String warnings(java.util.List<io.gptq4j.dsl.diagnostics.Diagnostic> warnings) {
        if (warnings.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder("<div>");
        for (io.gptq4j.dsl.diagnostics.Diagnostic d : warnings) {
            s.append(d.toMimeBundle().data().get(io.gptq4j.dsl.display.MimeBundle.TEXT_HTML));
        }
        return s.append("</div>").toString();
    }

    /** Renders module results as an HTML table. */
    static String moduleTable(java.util.List<ModuleResult> modules) {
        StringBuilder s = new StringBuilder("<table><tr><th>layer</th><th>module</th><th>settings</th><th>avg loss</th>"
                + "<th>relative error</th><th>damp</th><th>s</th></tr>");
        for (ModuleResult r : modules) {
            s.append("<tr><td>").append(r.layer()).append("</td><td>").append(escape(r.module()))
                    .append("</td><td>").append(escape(r.spec().label()))
                    .append("</td><td>").append(number(r.avgLoss()))
                    .append("</td><td>").append(number(r.relativeError()))
                    .append("</td><td>").append(number(r.dampPercentUsed()))
                    .append("</td><td>").append(String.format(java.util.Locale.ROOT, "%.3f", r.seconds()))
                    .append("</td></tr>");
        }
        return s.append("</table>").toString();
    }

    /** Renders a Tablesaw table as an HTML table with a header row. */
    static String table(tech.tablesaw.api.Table table) {
        StringBuilder s = new StringBuilder("<table><tr>");
        for (String name : table.columnNames()) {
            s.append("<th>").append(escape(name)).append("</th>");
        }
        s.append("</tr>");
        for (int row = 0; row < table.rowCount(); row++) {
            s.append("<tr>");
            for (int col = 0; col < table.columnCount(); col++) {
                Object value = table.column(col).get(row);
                String text = value instanceof Double d ? number(d) : String.valueOf(value);
                s.append("<td>").append(escape(text)).append("</td>");
            }
            s.append("</tr>");
        }
        return s.append("</table>").toString();
    }
}
