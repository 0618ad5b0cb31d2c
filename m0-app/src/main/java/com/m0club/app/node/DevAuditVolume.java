package com.m0club.app.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Set;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Log volume of {@code m0 dev}: the in-process signer agents write one audit line per sign request at INFO, three
 * lines for every bundle of a 3-agent dev set (about 2 of the 3 lines a second that made up most of the 87 MB a day
 * of dev logs). In dev the audit lines of <em>successful</em> signatures ({@code result=signed},
 * {@code signed_repeat}) are demoted to DEBUG: they pass only when the audit logger is at DEBUG. Refusals,
 * unauthorized callers and bad requests keep their INFO audit line. Standalone agents are not affected (the filter
 * is installed by the dev node only).
 */
final class DevAuditVolume extends TurboFilter {
    private static final Set<String> SUCCESS = Set.of("signed", "signed_repeat");

    private final String auditLogger;

    private DevAuditVolume(String auditLogger) {
        this.auditLogger = auditLogger;
    }

    /** Installs the filter once for {@code auditLogger}; a no-op when the logging backend is not Logback. */
    static void install(String auditLogger) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        if (context.getTurboFilterList().stream().noneMatch(f -> f instanceof DevAuditVolume)) {
            DevAuditVolume filter = new DevAuditVolume(auditLogger);
            filter.setName("m0-dev-audit-volume");
            filter.start();
            context.addTurboFilter(filter);
        }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
            Throwable t) {
        if (level != Level.INFO || logger == null || !auditLogger.equals(logger.getName()) || params == null) {
            return FilterReply.NEUTRAL;
        }
        for (Object p : params) {
            if (p instanceof String s && SUCCESS.contains(s)) {
                return logger.isDebugEnabled() ? FilterReply.NEUTRAL : FilterReply.DENY;
            }
        }
        return FilterReply.NEUTRAL;
    }
}
