package dev.herald.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A casino backend's push endpoints on Spring Boot: herald-spring-boot-starter builds Herald
 * from {@code application.yml}, herald-micrometer's meters appear at {@code /actuator/prometheus}
 * and each provider's health at {@code /actuator/health/herald}.
 *
 * <p>Run it with a VAPID key pair in the environment ({@code herald vapid-keys} prints one):
 * {@code VAPID_PUBLIC_KEY=... VAPID_PRIVATE_KEY=... java -jar herald-example-spring-boot.jar}.
 */
@SpringBootApplication
public class CasinoPushApplication {

  public static void main(String[] args) {
    SpringApplication.run(CasinoPushApplication.class, args);
  }
}
