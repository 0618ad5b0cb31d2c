package com.m0club.signer.agent;

/** The standalone agent's configuration is invalid; the message names the source, the key and the rule. */
public final class AgentConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AgentConfigException(String message) {
        super(message);
    }

    public AgentConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
