/**
 * Users, roles, logins and who may see which project: owns {@code users} ({@link
 * org.rationale.security.AccountStore}) and {@code login_sessions} ({@link org.rationale.security.LoginSessions}).
 * It knows no UI framework and none of the packages whose things it guards: they supply the caller of a
 * UI session ({@code CallerSource}), the project of a thing ({@code ProjectScoped}) and memberships ({@code ProjectMembers}).
 */
package org.rationale.security;
