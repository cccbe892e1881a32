package io.trainyard.inference;

import java.nio.charset.StandardCharsets;

/**
 * A cursor over a UTF-8 JSON document for the few shapes the serving hot path reads without Jackson (a predict
 * body: an object with {@code instances} and {@code topK}, arrays of numbers). It accepts a strict subset of JSON
 * and never reports errors: whatever it does not take, {@link #DECLINED} or {@code false}, is handed to Jackson,
 * which reads it (or reports its error) as it always did. So a client can never tell which reader answered.
 *
 * <p>Numbers are converted exactly as the Jackson path converts them: an integer literal is rounded to float from
 * its exact value, any other number is parsed to the correctly rounded double and then rounded to float.
 */
final class JsonScanner {

    /** Returned by {@link #number()} for input it does not take; no JSON number parses to NaN. */
    static final float DECLINED = Float.NaN;

    /** Exactly representable powers of ten: one multiplication or division by one is correctly rounded. */
    private static final double[] POWERS = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22};
    /** Digits that always fit a long, and (for decimals) the 2^53 that keeps the significand exact in a double. */
    private static final int MAX_DIGITS = 18;
    private static final long EXACT_DOUBLE = 1L << 53;

    private final byte[] bytes;
    private final int end;
    private int pos;

    JsonScanner(byte[] bytes, int length) {
        this.bytes = bytes;
        this.end = length;
    }

    /** Skips JSON whitespace; returns the next byte without consuming it, or -1 at the end. */
    int peek() {
        while (pos < end) {
            byte b = bytes[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b;
            }
            pos++;
        }
        return -1;
    }

    /** Consumes {@code c} (after whitespace) if it comes next. */
    boolean consume(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    /** Consumes the string literal {@code "name"} if it comes next, exactly (no escapes). */
    boolean consumeName(String name) {
        int at = pos;
        if (peek() != '"' || end - pos < name.length() + 2 || bytes[pos + name.length() + 1] != '"') {
            pos = at;
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (bytes[pos + 1 + i] != name.charAt(i)) {
                pos = at;
                return false;
            }
        }
        pos += name.length() + 2;
        return true;
    }

    /** Whether only whitespace is left. */
    boolean atEnd() {
        return peek() == -1;
    }

    /** An integer literal that fits an int, or null (nothing consumed) for anything else. */
    Integer integer() {
        int at = pos;
        peek();
        boolean negative = pos < end && bytes[pos] == '-';
        int digitsAt = negative ? pos + 1 : pos;
        int p = digitsAt;
        long value = 0;
        while (p < end && p - digitsAt <= 10 && isDigit(bytes[p])) {
            value = value * 10 + (bytes[p] - '0');
            p++;
        }
        boolean plain = p > digitsAt && p - digitsAt <= 10 && !(bytes[digitsAt] == '0' && p - digitsAt > 1)
                && (p == end || !isNumberPart(bytes[p]));
        long signed = negative ? -value : value;
        if (!plain || signed < Integer.MIN_VALUE || signed > Integer.MAX_VALUE) {
            pos = at;
            return null;
        }
        pos = p;
        return (int) signed;
    }

    /**
     * The JSON number that comes next, as a finite float, or {@link #DECLINED} (position then undefined: the caller
     * gives up on the document) for anything else, including numbers beyond float32.
     */
    float number() {
        peek();
        int start = pos;
        int p = pos;
        boolean negative = p < end && bytes[p] == '-';
        if (negative) {
            p++;
        }
        int intStart = p;
        long significand = 0;
        while (p < end && isDigit(bytes[p])) {
            significand = significand * 10 + (bytes[p] - '0');
            p++;
        }
        int digits = p - intStart;
        if (digits == 0 || (bytes[intStart] == '0' && digits > 1)) {
            return DECLINED;
        }
        int exponent = 0;
        boolean integral = true;
        if (p < end && bytes[p] == '.') {
            integral = false;
            int fracStart = ++p;
            while (p < end && isDigit(bytes[p])) {
                significand = significand * 10 + (bytes[p] - '0');
                p++;
            }
            if (p == fracStart) {
                return DECLINED;
            }
            digits += p - fracStart;
            exponent = fracStart - p;
        }
        if (p < end && (bytes[p] == 'e' || bytes[p] == 'E')) {
            integral = false;
            p++;
            boolean negativeExponent = p < end && bytes[p] == '-';
            if (p < end && (bytes[p] == '-' || bytes[p] == '+')) {
                p++;
            }
            int expStart = p;
            int value = 0;
            while (p < end && isDigit(bytes[p]) && p - expStart < 4) {
                value = value * 10 + (bytes[p] - '0');
                p++;
            }
            if (p == expStart || (p < end && isDigit(bytes[p]))) {
                return DECLINED;
            }
            exponent += negativeExponent ? -value : value;
        }
        if (p < end && isNumberPart(bytes[p])) {
            return DECLINED;
        }
        pos = p;
        float value;
        if (integral) {
            if (digits > MAX_DIGITS) {
                return DECLINED;
            }
            value = (float) (negative ? -significand : significand);
        } else {
            double d;
            if (digits <= MAX_DIGITS && significand < EXACT_DOUBLE && Math.abs(exponent) < POWERS.length) {
                d = exponent < 0 ? significand / POWERS[-exponent] : significand * POWERS[exponent];
                d = negative ? -d : d;
            } else {
                d = Double.parseDouble(new String(bytes, start, p - start, StandardCharsets.US_ASCII));
            }
            value = (float) d;
        }
        return Float.isFinite(value) ? value : DECLINED;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** A byte that would make the literal before it something longer than the number read. */
    private static boolean isNumberPart(byte b) {
        return isDigit(b) || b == '.' || b == 'e' || b == 'E' || b == '-' || b == '+';
    }
}
