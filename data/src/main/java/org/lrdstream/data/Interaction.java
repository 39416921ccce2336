package org.lrdstream.data;

/** One user-item interaction with dense ids (users and items from 1; 0 is padding) and unix seconds. */
public record Interaction(int user, int item, long time) {}
