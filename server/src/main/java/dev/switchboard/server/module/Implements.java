package dev.switchboard.server.module;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The specification (and version) a module implements; read to generate the feature matrix. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(Implements.List.class)
public @interface Implements {
  /** E.g. "XEP-0199" or "RFC 6121". */
  String spec();

  String version() default "";

  /** What of it, when only part is implemented. */
  String note() default "";

  /** Container for repeated annotations. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface List {
    Implements[] value();
  }
}
