package io.catalog.security;

import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * The bearer tokens' parser (SmallRye JWT's, which Quarkus' JWT authentication calls for every request) in front of
 * {@link VerifiedTokens}: a token verified before is recognised instead of verified again. Every other method is the
 * parser's own.
 */
@Decorator
@Priority(10)
public abstract class VerifiedTokenParser implements JWTParser {

    private final JWTParser parser;
    private final VerifiedTokens tokens;

    @Inject
    VerifiedTokenParser(@Delegate @Any JWTParser parser, VerifiedTokens tokens) {
        this.parser = parser;
        this.tokens = tokens;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        return tokens.parse(token, parser::parse);
    }
}
