package io.trainyard.system;

import java.util.regex.Pattern;
import org.springframework.beans.propertyeditors.CustomNumberEditor;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * Integer path variables and request parameters take an optional '-' and ASCII digits, nothing else. Spring's own
 * parse (NumberUtils.parseNumber) also takes hex ({@code 0x4}, {@code #4}), a '+', surrounding spaces and non-ASCII
 * digits, so {@code /versions/0x4} named version 4 while {@code /versions/1.0} was refused. Anything else is a
 * type mismatch, which {@link ProblemHandler} answers 400 naming the parameter.
 *
 * <p>Editors rather than a Converter: when a converter refuses a value, the binder falls back to its default
 * number editor, which is the lenient parse again; a custom editor is used instead of both.
 */
@ControllerAdvice
class StrictIntegerBinding {

    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+");

    @InitBinder
    void strictIntegers(WebDataBinder binder) {
        // Fresh editors for each binder: a PropertyEditor holds the value it converts.
        binder.registerCustomEditor(int.class, new StrictEditor(Integer.class, false));
        binder.registerCustomEditor(Integer.class, new StrictEditor(Integer.class, true));
        binder.registerCustomEditor(long.class, new StrictEditor(Long.class, false));
        binder.registerCustomEditor(Long.class, new StrictEditor(Long.class, true));
    }

    /** An empty value stays "absent" for the wrapper types, as with Spring's own conversion. */
    private static final class StrictEditor extends CustomNumberEditor {

        StrictEditor(Class<? extends Number> type, boolean allowEmpty) {
            super(type, allowEmpty);
        }

        @Override
        public void setAsText(String text) {
            if (text != null && !text.isEmpty() && !DECIMAL.matcher(text).matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a decimal integer");
            }
            super.setAsText(text);
        }
    }
}
