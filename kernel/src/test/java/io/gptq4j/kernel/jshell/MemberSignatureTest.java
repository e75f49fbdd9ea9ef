package io.gptq4j.kernel.jshell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemberSignatureTest {

    @Test
    void staticMethod() {
        MemberSignature member = MemberSignature.parse("ModuleName ModuleName.parse(String name)");
        assertEquals("ModuleName", member.owner());
        assertEquals("parse", member.name());
        assertEquals(List.of("String"), member.parameterTypes());
    }

    @Test
    void genericParametersAndVarargs() {
        MemberSignature member = MemberSignature.parse(
                "void a.b.Outer.Inner.run(java.util.Map<String, List<Integer>> map, int[] values, String... rest)");
        assertEquals("a.b.Outer.Inner", member.owner());
        assertEquals("run", member.name());
        assertEquals(List.of("Map", "int[]", "String[]"), member.parameterTypes());
    }

    @Test
    void constructorAndType() {
        MemberSignature constructor = MemberSignature.parse("Linear(int rows, int columns)");
        assertEquals("Linear", constructor.owner());
        assertEquals("Linear", constructor.name());
        assertEquals(List.of("int", "int"), constructor.parameterTypes());
        MemberSignature type = MemberSignature.parse("io.gptq4j.engine.model.ModuleName");
        assertEquals("io.gptq4j.engine.model.ModuleName", type.owner());
        assertNull(type.name());
    }
}
