package dev.mp.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON to read {@code mp_bench.py}'s output (objects, arrays, strings, numbers, booleans, null), so that
 * the harness needs no JSON library. Objects become {@code Map<String, Object>}, arrays {@code List<Object>}, numbers
 * {@code Double}.
 */
final class MiniJson {

	private final String text;

	private int at;

	private MiniJson(String text) {
		this.text = text;
	}

	static Object parse(String text) {
		MiniJson parser = new MiniJson(text);
		Object value = parser.value();
		parser.whitespace();
		if (parser.at != text.length()) {
			throw parser.error("trailing characters");
		}
		return value;
	}

	private Object value() {
		whitespace();
		if (this.at >= this.text.length()) {
			throw error("unexpected end");
		}
		char c = this.text.charAt(this.at);
		switch (c) {
			case '{':
				return object();
			case '[':
				return array();
			case '"':
				return string();
			case 't':
				return literal("true", Boolean.TRUE);
			case 'f':
				return literal("false", Boolean.FALSE);
			case 'n':
				return literal("null", null);
			default:
				return number();
		}
	}

	private Map<String, Object> object() {
		Map<String, Object> map = new LinkedHashMap<>();
		this.at++;
		whitespace();
		if (peek() == '}') {
			this.at++;
			return map;
		}
		while (true) {
			whitespace();
			String key = string();
			whitespace();
			expect(':');
			map.put(key, value());
			whitespace();
			if (peek() == ',') {
				this.at++;
				continue;
			}
			expect('}');
			return map;
		}
	}

	private List<Object> array() {
		List<Object> list = new ArrayList<>();
		this.at++;
		whitespace();
		if (peek() == ']') {
			this.at++;
			return list;
		}
		while (true) {
			list.add(value());
			whitespace();
			if (peek() == ',') {
				this.at++;
				continue;
			}
			expect(']');
			return list;
		}
	}

	private String string() {
		expect('"');
		StringBuilder out = new StringBuilder();
		while (true) {
			if (this.at >= this.text.length()) {
				throw error("unterminated string");
			}
			char c = this.text.charAt(this.at++);
			if (c == '"') {
				return out.toString();
			}
			if (c != '\\') {
				out.append(c);
				continue;
			}
			char escaped = this.text.charAt(this.at++);
			switch (escaped) {
				case 'b' -> out.append('\b');
				case 'f' -> out.append('\f');
				case 'n' -> out.append('\n');
				case 'r' -> out.append('\r');
				case 't' -> out.append('\t');
				case 'u' -> {
					out.append((char) Integer.parseInt(this.text.substring(this.at, this.at + 4), 16));
					this.at += 4;
				}
				default -> out.append(escaped); // " \ /
			}
		}
	}

	private Double number() {
		int start = this.at;
		while (this.at < this.text.length() && "+-0123456789.eE".indexOf(this.text.charAt(this.at)) >= 0) {
			this.at++;
		}
		if (start == this.at) {
			throw error("unexpected character '" + this.text.charAt(this.at) + "'");
		}
		return Double.valueOf(this.text.substring(start, this.at));
	}

	private Object literal(String word, Object value) {
		if (!this.text.startsWith(word, this.at)) {
			throw error("expected " + word);
		}
		this.at += word.length();
		return value;
	}

	private void whitespace() {
		while (this.at < this.text.length() && Character.isWhitespace(this.text.charAt(this.at))) {
			this.at++;
		}
	}

	private char peek() {
		return (this.at < this.text.length()) ? this.text.charAt(this.at) : '\0';
	}

	private void expect(char c) {
		if (peek() != c) {
			throw error("expected '" + c + "'");
		}
		this.at++;
	}

	private IllegalArgumentException error(String message) {
		return new IllegalArgumentException("JSON: " + message + " at offset " + this.at);
	}

}
