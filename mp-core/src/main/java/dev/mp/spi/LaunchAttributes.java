package dev.mp.spi;

import java.util.Map;

import dev.mp.ProcessOptions;

/**
 * Bootstrap attributes taken when a worker is launched rather than when its options were made, and kept as secret as
 * the worker's own HMAC secret: they travel on a local worker's stdin and in a remote worker's secret files, never in
 * a command line, an environment or a remote worker's config file, because they may hold secrets (such as the
 * application's resolved properties, which mp-spring-boot-autoconfigure sends to its {@code spring} workers). Asked at
 * every launch, a pool's replacement workers and class-data training children included; its answers reach the
 * worker's {@link ChildBootstrap#start} with the options' own {@link ProcessOptions#bootstrapAttributes()}, and win
 * over them.
 */
@FunctionalInterface
public interface LaunchAttributes {

	/**
	 * The attributes for one worker about to be launched.
	 * @param options how it is launched: its bootstrap mode, and what is set for it (system properties, environment)
	 * @return the attributes, empty for a worker this does not serve
	 */
	Map<String, String> forLaunch(ProcessOptions options);

}
