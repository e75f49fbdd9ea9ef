package io.gptq4j.kernel.magic;

import io.gptq4j.dsl.display.MimeBundle;
import io.gptq4j.dsl.spi.GptqTextForm;
import io.gptq4j.kernel.GptqKernel;
import io.gptq4j.kernel.display.Renderers;
import io.gptq4j.kernel.jshell.CellValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.dflib.jjava.jupyter.kernel.magic.CellMagic;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;

/**
 * The kernel's magics: {@code %classpath}, {@code %maven}, {@code %%svg} and {@code %%gptq}. A
 * magic's return value is shown as the cell result like a Java value.
 */
public final class KernelMagics {

    private KernelMagics() {
    }

    public static void register(MagicsRegistry registry) {
        registry.registerLineMagic("classpath", (LineMagic<String, GptqKernel>) KernelMagics::classpath);
        registry.registerLineMagic("maven", (LineMagic<String, GptqKernel>) KernelMagics::maven);
        registry.registerCellMagic("svg", (CellMagic<Object, GptqKernel>) KernelMagics::svg);
        registry.registerCellMagic("gptq", (CellMagic<Object, GptqKernel>) KernelMagics::gptq);
    }

    /** {@code %classpath PATH...}: adds jars, class folders or globs of them. */
    private static String classpath(GptqKernel kernel, List<String> arguments) {
        if (arguments.isEmpty()) {
            throw new IllegalArgumentException("Usage: %classpath PATH_OR_GLOB... (e.g. %classpath lib/*.jar)");
        }
        List<Path> added = new ArrayList<>();
        for (String argument : arguments) {
            for (Path path : ClasspathGlobs.expand(argument)) {
                kernel.addToClasspath(path);
                added.add(path);
            }
        }
        return describeAdded(added);
    }

    /** {@code %maven [--repo URL]... GROUP:ARTIFACT:VERSION...}: adds artifacts with dependencies. */
    private static String maven(GptqKernel kernel, List<String> arguments) throws Exception {
        List<String> coordinates = new ArrayList<>();
        List<String> repositories = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            if (arguments.get(i).equals("--repo")) {
                if (i + 1 >= arguments.size()) {
                    throw new IllegalArgumentException("--repo needs a repository URL");
                }
                repositories.add(arguments.get(++i));
            } else {
                coordinates.add(arguments.get(i));
            }
        }
        if (coordinates.isEmpty()) {
            throw new IllegalArgumentException("Usage: %maven [--repo URL]... GROUP:ARTIFACT:VERSION...");
        }
        List<Path> jars = MavenResolver.resolve(coordinates, repositories);
        jars.forEach(kernel::addToClasspath);
        return describeAdded(jars);
    }

    private static String describeAdded(List<Path> paths) {
        StringBuilder text = new StringBuilder("Added ").append(paths.size())
                .append(paths.size() == 1 ? " class path entry:" : " class path entries:");
        paths.forEach(path -> text.append("\n  ").append(path));
        return text.toString();
    }

    /** {@code %%svg}: runs the cell and shows a chart result as SVG instead of PNG. */
    private static Object svg(GptqKernel kernel, List<String> arguments, String body) throws Exception {
        CellValue value = kernel.evalJava(body);
        if (!value.present()) {
            return null;
        }
        Renderers.preferSvg(true);
        try {
            MimeBundle bundle = Renderers.render(value.value());
            if (!bundle.data().containsKey(MimeBundle.IMAGE_SVG)) {
                System.err.println("%%svg: the cell value is not a chart; shown as usual");
            }
            return bundle;
        } finally {
            Renderers.preferSvg(false);
        }
    }

    /** {@code %%gptq}: hands the cell to the DSL's text form. */
    private static Object gptq(GptqKernel kernel, List<String> arguments, String body) throws Exception {
        ServiceLoader<GptqTextForm> forms = ServiceLoader.load(GptqTextForm.class, KernelMagics.class.getClassLoader());
        GptqTextForm form = forms.findFirst().orElseThrow(() -> new IllegalStateException(
                "the %%gptq text form is provided by the DSL; not loaded (no io.gptq4j.dsl.spi.GptqTextForm "
                        + "implementation on the class path)"));
        return form.run(arguments, body);
    }
}
