package dev.mp.spring.autoconfigure;

import java.util.List;

import io.micrometer.context.ContextRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

import dev.mp.spring.child.SpringChildBootstrap;
import dev.mp.spring.observation.ThreadLocalsCallObserver;

/**
 * Carries the values of the context-propagation thread-local accessors named in {@code mp.worker.context.keys} with
 * each call, and sets them in the worker for the call. In a worker it is always on: the parent decides what travels.
 */
@AutoConfiguration
@ConditionalOnClass(ContextRegistry.class)
@ConditionalOnBooleanProperty(name = "mp.enabled", matchIfMissing = true)
@Conditional(MpContextPropagationAutoConfiguration.KeysOrWorker.class)
@EnableConfigurationProperties(MpProperties.class)
public final class MpContextPropagationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ThreadLocalsCallObserver mpThreadLocalsCallObserver(MpProperties properties) {
		return new ThreadLocalsCallObserver(ContextRegistry.getInstance(),
				properties.getWorker().getContext().getKeys());
	}

	/** Some keys are named (as a list or one by one), or this is a worker. */
	static final class KeysOrWorker extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Binder binder = Binder.get(context.getEnvironment());
			if (binder.bind(SpringChildBootstrap.CHILD_PROPERTY, Boolean.class).orElse(false)) {
				return ConditionOutcome.match("in a worker");
			}
			List<String> keys = binder.bind("mp.worker.context.keys", Bindable.listOf(String.class)).orElse(List.of());
			return keys.isEmpty() ? ConditionOutcome.noMatch("no mp.worker.context.keys")
					: ConditionOutcome.match("mp.worker.context.keys " + keys);
		}

	}

}
