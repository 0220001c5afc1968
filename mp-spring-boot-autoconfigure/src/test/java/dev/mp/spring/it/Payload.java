package dev.mp.spring.it;

import java.io.Serializable;

/** An application type: allowed across processes because it is in the application's package. */
public record Payload(String text, int number) implements Serializable {
}
