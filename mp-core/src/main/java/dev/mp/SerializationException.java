package dev.mp;


/**
 * A value could not cross a process boundary: it is not serializable, or its bytes could not be read back.
 */
public class SerializationException extends MpException {

	public SerializationException(String message, Throwable cause) {
		super(message, cause);
	}

}
