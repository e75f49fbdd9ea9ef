package io.gptq4j.kernel.display;

import io.gptq4j.dsl.display.MimeBundle;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Tablesaw tables as an escaped HTML table plus Tablesaw's own text layout. Long tables show
 * their first and last rows only.
 */
final class TableRenderer {

    /** Rows shown before a table is shortened to its head and tail. */
    static final int MAX_ROWS = 40;
    private static final int EDGE_ROWS = MAX_ROWS / 2;

    private TableRenderer() {
    }

    static MimeBundle render(Table table) {
        return MimeBundle.text(table.print(MAX_ROWS)).with(MimeBundle.TEXT_HTML, html(table));
    }

    static String html(Table table) {
        StringBuilder html = new StringBuilder("<table class=\"gptq4j-table\">");
        if (table.name() != null && !table.name().isEmpty()) {
            html.append("<caption>").append(escape(table.name())).append("</caption>");
        }
        html.append("<thead><tr>");
        for (Column<?> column : table.columns()) {
            html.append("<th>").append(escape(column.name())).append("</th>");
        }
        html.append("</tr></thead><tbody>");
        int rows = table.rowCount();
        boolean shortened = rows > MAX_ROWS;
        for (int row = 0; row < rows; row++) {
            if (shortened && row == EDGE_ROWS) {
                html.append("<tr><td colspan=\"").append(table.columnCount()).append("\">… ")
                        .append(rows - 2 * EDGE_ROWS).append(" more rows …</td></tr>");
                row = rows - EDGE_ROWS;
            }
            html.append("<tr>");
            for (Column<?> column : table.columns()) {
                html.append("<td>").append(escape(column.getString(row))).append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</tbody></table>");
        html.append("<p>").append(rows).append(" rows × ").append(table.columnCount()).append(" columns</p>");
        return html.toString();
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
