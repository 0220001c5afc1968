package restartapp;

import java.io.Serializable;

public record Answer(int value, long workerPid) implements Serializable {
}
