package io.gptq4j.kernel.jshell;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns Javadoc markup into plain text for a notebook tooltip. */
final class JavadocText {

    private static final Pattern INLINE_TAG = Pattern.compile("\\{@(?:code|literal|link|linkplain|value)\\s+([^}]*)}");
    private static final Pattern HTML_TAG = Pattern.compile("</?(?:p|b|i|em|strong|code|pre|ul|ol|li|br)\\s*/?>",
            Pattern.CASE_INSENSITIVE);

    private JavadocText() {
    }

    static String plain(String javadoc) {
        Matcher inline = INLINE_TAG.matcher(javadoc);
        String text = inline.replaceAll(match -> Matcher.quoteReplacement(match.group(1).strip()));
        text = HTML_TAG.matcher(text).replaceAll("");
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip();
    }
}
