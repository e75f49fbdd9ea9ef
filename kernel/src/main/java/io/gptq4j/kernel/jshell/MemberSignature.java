package io.gptq4j.kernel.jshell;

import java.util.ArrayList;
import java.util.List;

/**
 * A class member as JShell prints its signature: {@code ReturnType Owner.name(Type a, Type b)}
 * for methods, {@code Owner(Type a)} for constructors, {@code pkg.Owner} for types.
 *
 * @param owner          class name as printed, simple or qualified, nested with dots
 * @param name           member name; the class's simple name for constructors, null for a type
 * @param parameterTypes simple type names without generics; null for a type or field
 */
record MemberSignature(String owner, String name, List<String> parameterTypes) {

    static MemberSignature parse(String signature) {
        int open = signature.indexOf('(');
        if (open < 0) {
            String type = signature.strip();
            int space = type.lastIndexOf(' ');
            return new MemberSignature(type.substring(space + 1), null, null);
        }
        String head = signature.substring(0, open).strip();
        String qualified = head.substring(head.lastIndexOf(' ') + 1);
        int dot = qualified.lastIndexOf('.');
        String owner;
        String name;
        if (dot < 0) {
            owner = qualified;
            name = qualified;
        } else {
            owner = qualified.substring(0, dot);
            name = qualified.substring(dot + 1);
        }
        int close = signature.lastIndexOf(')');
        String params = close > open ? signature.substring(open + 1, close) : "";
        return new MemberSignature(owner, name, parameterTypes(params));
    }

    /** Splits {@code Map<K, V> a, int b} into {@code [Map, int]}, dropping generics and names. */
    private static List<String> parameterTypes(String params) {
        List<String> types = new ArrayList<>();
        if (params.isBlank()) {
            return types;
        }
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= params.length(); i++) {
            char c = i < params.length() ? params.charAt(i) : ',';
            if (c == '<') {
                depth++;
            } else if (c == '>') {
                depth--;
            } else if (c == ',' && depth == 0) {
                types.add(simpleType(params.substring(start, i)));
                start = i + 1;
            }
        }
        return types;
    }

    static String simpleType(String declaration) {
        String text = declaration.strip().replaceAll("<.*>", "").replace("...", "[]");
        int space = text.lastIndexOf(' ');
        String type = space < 0 ? text : text.substring(0, space).strip();
        type = type.substring(type.lastIndexOf(' ') + 1);
        return type.substring(type.lastIndexOf('.') + 1);
    }
}
