package io.gptq4j.kernel.jshell;

import java.util.ArrayList;
import java.util.List;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Signatures and Javadoc for the {@code inspect} request. JShell supplies the signatures; JShell
 * finds Javadoc only in the JDK's {@code src.zip}, so the Javadoc of gptq4j's own classes comes
 * from the sources shipped inside the kernel jar ({@link BundledSources}).
 */
final class JavadocLookup {

    private final SourceCodeAnalysis analysis;
    private final BundledSources sources = new BundledSources();

    JavadocLookup(SourceCodeAnalysis analysis) {
        this.analysis = analysis;
    }

    List<String> describe(String code, int cursor) {
        int end = cursor;
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
            end++;
        }
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(code, end, true);
        if (docs.isEmpty()) {
            // JShell documents a method only with the cursor after its opening parenthesis.
            String call = code.substring(0, end) + "(";
            docs = analysis.documentation(call, call.length(), true);
        }
        List<String> entries = new ArrayList<>();
        for (SourceCodeAnalysis.Documentation doc : docs) {
            String text = doc.javadoc();
            if (text == null || text.isBlank()) {
                text = findBundledJavadoc(code.substring(0, end), doc.signature());
            }
            entries.add(text == null || text.isBlank() ? doc.signature() : doc.signature() + "\n\n" + text.strip());
        }
        return entries;
    }

    /**
     * Finds the Javadoc of the member in {@code signature}, e.g.
     * {@code ModuleName ModuleName.parse(String name)}, resolving the owner's simple name to the
     * classes JShell can see.
     */
    private String findBundledJavadoc(String codeBeforeCursor, String signature) {
        MemberSignature member = MemberSignature.parse(signature);
        if (member == null) {
            return null;
        }
        for (String className : candidateClasses(member.owner())) {
            String text = sources.javadoc(className, member);
            if (text != null) {
                return text;
            }
        }
        return null;
    }

    private List<String> candidateClasses(String owner) {
        List<String> names = new ArrayList<>();
        if (owner.contains(".") && Character.isLowerCase(owner.charAt(0))) {
            names.add(owner);
            return names;
        }
        String outer = owner.contains(".") ? owner.substring(0, owner.indexOf('.')) : owner;
        String nested = owner.contains(".") ? owner.substring(owner.indexOf('.')) : "";
        SourceCodeAnalysis.QualifiedNames qualified = analysis.listQualifiedNames(outer, outer.length());
        for (String name : qualified.getNames()) {
            names.add(name + nested);
        }
        return names;
    }
}
