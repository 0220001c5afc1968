package restartapp;

import java.io.Serializable;

public record Question(int value) implements Serializable {
}
