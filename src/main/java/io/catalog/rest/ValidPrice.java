package io.catalog.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.math.BigDecimal;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import io.catalog.model.Money;

/** A price: greater than 0, at most 1,000,000, at most two fraction digits. {@code null} is left to NotNull. */
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ValidPrice.Validator.class)
public @interface ValidPrice {

    String message() default "must be a price greater than 0, at most 1000000, with at most 2 fraction digits";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks a price with {@link Money#problem}. */
    class Validator implements ConstraintValidator<ValidPrice, BigDecimal> {
        @Override
        public boolean isValid(BigDecimal value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            String problem = Money.problem(value);
            if (problem != null) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate(problem.replace("price ", "")).addConstraintViolation();
            }
            return problem == null;
        }
    }
}
