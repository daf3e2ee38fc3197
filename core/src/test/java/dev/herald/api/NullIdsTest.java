package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.Herald;
import dev.herald.InvalidInputException;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DispatchFixture;
import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public entry point refuses a null id with an {@link InvalidInputException} naming the
 * field, never a {@link NullPointerException}.
 */
class NullIdsTest extends DispatchFixture {

  @Test
  void aNullPlayerIdInAnAudienceNamesTheField() {
    assertThatThrownBy(() -> Audience.player(null))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("playerId");
    List<String> withNull = new ArrayList<>();
    withNull.add("p1");
    withNull.add(null);
    assertThatThrownBy(() -> Audience.players(withNull))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("playerIds");
  }

  @Test
  void aTransactionalSendToANullPlayerNamesTheField() {
    assertThatThrownBy(() -> herald.transactional().send(null,
            content(NotificationType.SECURITY_ALERT, "New login"), "login-1"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("playerId");
  }

  /**
   * The sweep: every public method of the facade's services, and every public constructor and
   * static factory of the public packages, called with {@code null} for one id parameter at a time
   * (a parameter named {@code id}, {@code ...Id} or {@code ...Key}) and harmless values for the rest.
   */
  @Test
  void noPublicEntryPointThrowsANullPointerExceptionForANullId() throws Exception {
    List<String> offenders = new ArrayList<>();
    Map<Object, Class<?>> services = Map.of(
        herald, Herald.class,
        herald.subscriptions(), herald.subscriptions().getClass(),
        herald.analytics(), herald.analytics().getClass(),
        herald.campaigns(), dev.herald.campaign.Campaigns.class,
        herald.triggers(), dev.herald.trigger.Triggers.class,
        herald.transactional(), dev.herald.campaign.TransactionalSends.class);
    services.forEach((target, type) -> {
      for (Method m : type.getMethods()) {
        if (!Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() != Object.class) {
          probe(target, m, offenders);
        }
      }
    });
    for (Class<?> type : publicApiClasses()) {
      for (Executable e : type.getConstructors()) {
        probe(null, e, offenders);
      }
      for (Method m : type.getMethods()) {
        if (Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() == type) {
          probe(null, m, offenders);
        }
      }
    }
    assertThat(offenders).as("entry points that throw NullPointerException for a null id")
        .isEmpty();
  }

  private void probe(Object target, Executable e, List<String> offenders) {
    Parameter[] parameters = e.getParameters();
    for (int i = 0; i < parameters.length; i++) {
      if (!isId(parameters[i])) {
        continue;
      }
      Object[] args = new Object[parameters.length];
      for (int j = 0; j < parameters.length; j++) {
        args[j] = j == i ? null : harmless(parameters[j].getType());
      }
      Throwable thrown = call(target, e, args);
      if (thrown instanceof NullPointerException) {
        offenders.add(e.getDeclaringClass().getSimpleName() + "." + e.getName() + " with null "
            + parameters[i].getName() + ": " + thrown);
      }
    }
  }

  private static boolean isId(Parameter p) {
    String name = p.getName();
    return p.getType() == String.class
        && (name.equals("id") || name.endsWith("Id") || name.endsWith("Key"));
  }

  private Throwable call(Object target, Executable e, Object[] args) {
    try {
      Object result = e instanceof Method m ? m.invoke(target, args)
          : ((java.lang.reflect.Constructor<?>) e).newInstance(args);
      if (result instanceof java.util.concurrent.CompletableFuture<?> f && f.isDone()
          && f.isCompletedExceptionally()) {
        return f.handle((v, t) -> t instanceof java.util.concurrent.CompletionException c
            ? c.getCause() : t).join();
      }
      return null;
    } catch (InvocationTargetException ex) {
      return ex.getCause();
    } catch (ReflectiveOperationException | IllegalArgumentException ex) {
      return null; // not callable this way (abstract class, ...): nothing to learn
    }
  }

  private Object harmless(Class<?> type) {
    if (type == String.class) {
      return "x";
    } else if (type == int.class || type == Integer.class) {
      return 1;
    } else if (type == long.class || type == Long.class) {
      return 1L;
    } else if (type == double.class || type == Double.class) {
      return 1.0;
    } else if (type == boolean.class || type == Boolean.class) {
      return false;
    } else if (type == Instant.class) {
      return clock.instant();
    } else if (type == Duration.class) {
      return Duration.ofMinutes(1);
    } else if (type == Optional.class) {
      return Optional.empty();
    } else if (type == List.class || type == Collection.class) {
      return List.of();
    } else if (type == Set.class) {
      return Set.of();
    } else if (type == Map.class) {
      return Map.of();
    } else if (type.isEnum()) {
      return type.getEnumConstants()[0];
    }
    return null;
  }

  /** The public types of every exported package of core, read from the compiled classes. */
  private static List<Class<?>> publicApiClasses() throws IOException, URISyntaxException {
    Path root = Path.of(Herald.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> types = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root.resolve("dev/herald"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = root.relativize(file).toString().replace(file.getFileSystem()
            .getSeparator(), ".").replaceAll("\\.class$", "");
        if (name.contains(".internal.") || name.contains(".embedded.")) {
          continue;
        }
        try {
          Class<?> type = Class.forName(name, false, Herald.class.getClassLoader());
          if (Modifier.isPublic(type.getModifiers()) && !type.isInterface()
              || type.isInterface() && Modifier.isPublic(type.getModifiers())) {
            types.add(type);
          }
        } catch (ClassNotFoundException | LinkageError ignored) {
          // not loadable alone: skip
        }
      }
    }
    return types;
  }
}
