package dev.mp.codec.fory;

import dev.mp.spi.Codec;
import dev.mp.spi.CodecProvider;
import dev.mp.spi.CodecSettings;

/** Makes {@link ForyCodec} known to mp, which finds it with {@link java.util.ServiceLoader}, by the name {@code fory}. */
public final class ForyCodecProvider implements CodecProvider {

	@Override
	public String name() {
		return "fory";
	}

	@Override
	public Codec create(CodecSettings settings) {
		return new ForyCodec(settings);
	}

}
