package org.lrdstream.model;

/** The relation-aware sequential backbones of the paper: RCF, and KDA (RCF plus temporal decay). */
public enum Backbone {
  RCF,
  KDA
}
