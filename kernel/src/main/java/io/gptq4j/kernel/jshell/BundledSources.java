package io.gptq4j.kernel.jshell;

import com.sun.source.doctree.DocCommentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.tools.JavaCompiler;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Javadoc read from the gptq4j sources that the build copies into the kernel jar under
 * {@value #ROOT}, parsed with the JDK's compiler API.
 */
final class BundledSources {

    static final String ROOT = "gptq4j-sources/";
    private static final Logger LOG = LoggerFactory.getLogger(BundledSources.class);

    private final Map<String, String> sourceCache = new ConcurrentHashMap<>();

    /** Returns the Javadoc of {@code member} in class {@code className}, or null if unknown. */
    String javadoc(String className, MemberSignature member) {
        String topLevel = className;
        String nestedPath = "";
        String source = null;
        // Peel nested class names off until a source file matches: a.b.Outer.Inner -> a/b/Outer.java
        while (source == null && topLevel.contains(".")) {
            source = load(topLevel);
            if (source == null) {
                int dot = topLevel.lastIndexOf('.');
                nestedPath = topLevel.substring(dot + 1) + (nestedPath.isEmpty() ? "" : "." + nestedPath);
                topLevel = topLevel.substring(0, dot);
            }
        }
        if (source == null) {
            return null;
        }
        String simpleOwner = className.substring(className.lastIndexOf('.') + 1);
        return find(source, simpleOwner, member);
    }

    private String load(String className) {
        String resource = ROOT + className.replace('.', '/') + ".java";
        String cached = sourceCache.get(resource);
        if (cached != null) {
            return cached.isEmpty() ? null : cached;
        }
        String text = "";
        try (InputStream in = BundledSources.class.getClassLoader().getResourceAsStream(resource)) {
            if (in != null) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            LOG.warn("Cannot read bundled source {}: {}", resource, e.toString());
        }
        sourceCache.put(resource, text);
        return text.isEmpty() ? null : text;
    }

    private static String find(String source, String simpleOwner, MemberSignature member) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        SimpleJavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Source.java"),
                javax.tools.JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        JavacTask task = (JavacTask) compiler.getTask(null, null, diagnostic -> { }, List.of("-proc:none"), null, List.of(file));
        DocTrees trees = DocTrees.instance(task);
        try {
            for (CompilationUnitTree unit : task.parse()) {
                String[] found = new String[1];
                new TreePathScanner<Void, Void>() {
                    @Override
                    public Void visitClass(ClassTree tree, Void unused) {
                        if (found[0] == null && member.name() == null && tree.getSimpleName().contentEquals(simpleOwner)) {
                            found[0] = render(trees.getDocCommentTree(getCurrentPath()));
                        }
                        return super.visitClass(tree, unused);
                    }

                    @Override
                    public Void visitMethod(MethodTree tree, Void unused) {
                        if (found[0] == null && matches(tree, getCurrentPath(), simpleOwner, member)) {
                            found[0] = render(trees.getDocCommentTree(getCurrentPath()));
                        }
                        return null;
                    }
                }.scan(unit, null);
                return found[0];
            }
        } catch (IOException e) {
            LOG.warn("Cannot parse bundled source of {}: {}", simpleOwner, e.toString());
        }
        return null;
    }

    private static boolean matches(MethodTree tree, TreePath path, String simpleOwner, MemberSignature member) {
        if (member.name() == null || member.parameterTypes() == null) {
            return false;
        }
        TreePath parent = path.getParentPath();
        if (!(parent.getLeaf() instanceof ClassTree owner) || !owner.getSimpleName().contentEquals(simpleOwner)) {
            return false;
        }
        boolean constructor = tree.getName().contentEquals("<init>");
        String name = constructor ? simpleOwner : tree.getName().toString();
        if (!name.equals(member.name()) || tree.getParameters().size() != member.parameterTypes().size()) {
            return false;
        }
        for (int i = 0; i < tree.getParameters().size(); i++) {
            VariableTree parameter = tree.getParameters().get(i);
            String declared = MemberSignature.simpleType(parameter.getType().toString() + " x");
            if (!declared.equals(member.parameterTypes().get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Returns the comment as plain text: body, then block tags one per line. */
    private static String render(DocCommentTree comment) {
        if (comment == null) {
            return null;
        }
        StringBuilder text = new StringBuilder(JavadocText.plain(comment.getFullBody().toString()));
        if (!comment.getBlockTags().isEmpty()) {
            text.append("\n");
            comment.getBlockTags().forEach(tag -> text.append("\n").append(JavadocText.plain(tag.toString())));
        }
        return text.toString();
    }
}
