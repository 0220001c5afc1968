package dev.mp.bench.spring;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The order of the fast codec's rows: a record of 20 fields with 100 line items, about 8 KB in JDK serialization, the
 * shape of mp-codec-fory's tests (and {@code mp_bench.py}'s {@code sample_order}, as a dict). In the Spring
 * application's package, so that a {@code @WorkerProcess} method may take it.
 */
public record Order(long id, String number, String customerId, String customerName, String email, String street,
		String city, String zip, String country, Status status, Instant created, LocalDate due, BigDecimal subtotal,
		BigDecimal tax, BigDecimal total, String currency, boolean paid, int priority, List<String> tags,
		List<LineItem> items) implements Serializable {

	public static Order sample() {
		List<LineItem> items = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			BigDecimal price = new BigDecimal("19.99").add(BigDecimal.valueOf(i));
			items.add(new LineItem("SKU-" + (10_000 + i), 1 + i % 5, price));
		}
		return new Order(42, "ORD-2024-0042", "C-1001", "Ada Lovelace", "ada@example.com", "12 Analytical St",
				"London", "NW1", "GB", Status.PAID, Instant.parse("2024-05-01T10:15:30Z"), LocalDate.of(2024, 6, 1),
				new BigDecimal("1234.50"), new BigDecimal("246.90"), new BigDecimal("1481.40"), "GBP", true, 3,
				List.of("priority", "gift"), items);
	}

	public enum Status {

		NEW, PAID, SHIPPED

	}

	/** A line of the order, and the small record of the rows beside the {@code Integer} round trip. */
	public record LineItem(String sku, int quantity, BigDecimal price) implements Serializable {
	}

}
