package org.lrdstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelConfigTest {
  @Test
  void namesGiveThePapersSettings() {
    var kda = ModelConfig.forName("kda");
    assertThat(kda.backbone()).isEqualTo(Backbone.KDA);
    assertThat(kda.lrdEnabled()).isFalse();
    var lrd = ModelConfig.forName("kda+lrd");
    assertThat(lrd.latentRelations()).isEqualTo(8);
    assertThat(lrd.lambdaLrd()).isEqualTo(10f);
    assertThat(ModelConfig.forName("rcf+lrd").learningRate()).isEqualTo(1e-4f);
    assertThat(ModelConfig.forName("kda+lrd-llm").lrdInput()).isEqualTo(LrdInput.ID);
    assertThat(ModelConfig.forName("kda+lrd-kge").gammaKge()).isZero();
  }

  @Test
  void settingsAfterAtChangeOnlyThoseHyperParameters() {
    var v = ModelConfig.forName("kda+lrd@latent=5,lambda=0.1");
    assertThat(v.latentRelations()).isEqualTo(5);
    assertThat(v.lambdaLrd()).isEqualTo(0.1f);
    assertThat(v.toBuilder().latentRelations(8).lambdaLrd(10).build()).isEqualTo(ModelConfig.forName("kda+lrd"));
    assertThat(ModelConfig.forName("rcf+lrd-kge@lr=1e-3").gammaKge()).isZero();
  }

  @Test
  void gammaIsAutoUntilResolvedForADataSetAndAModelRefusesItUnresolved() {
    var kda = ModelConfig.forName("kda");
    assertThat(kda.gammaKge()).isEqualTo(ModelConfig.GAMMA_AUTO);
    assertThat(ModelConfig.forName("kda-kge").gammaKge()).isZero();
    assertThat(ModelConfig.forName("kda@gamma=2").gammaKge()).isEqualTo(2f);
    try (var m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
      assertThatThrownBy(() -> new LrdModel(kda.toBuilder().dim(4).heads(2).build(), TinyModels.schema(0),
          TinyModels.tables(), 2, m, 1, null)).hasMessageContaining("must be resolved");
    }
  }

  @Test
  void theAttentionBlockIsASettingAndOldCheckpointsReadAsStacked() throws Exception {
    assertThat(ModelConfig.forName("kda").block()).isEqualTo(AttentionBlock.STACKED);
    assertThat(ModelConfig.forName("kda+lrd@block=shared").block()).isEqualTo(AttentionBlock.SHARED);
    var chained = ModelConfig.forName("kda+lrd@block=shared@lrd=expected@latent=5");
    assertThat(chained.block()).isEqualTo(AttentionBlock.SHARED);
    assertThat(chained.lrdObjective()).isEqualTo(LrdObjective.EXPECTED);
    assertThat(chained.latentRelations()).isEqualTo(5);
    assertThatThrownBy(() -> ModelConfig.forName("kda@block=deep")).hasMessageContaining("block must be stacked or shared");
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) json.valueToTree(ModelConfig.forName("kda@block=shared"));
    assertThat(json.treeToValue(tree, ModelConfig.class).block()).isEqualTo(AttentionBlock.SHARED);
    tree.remove("block"); // a checkpoint written before the setting existed
    assertThat(json.treeToValue(tree, ModelConfig.class).block()).isEqualTo(AttentionBlock.STACKED);
  }

  @Test
  void theDecayStartIsNamedLikeTheOtherSettings() {
    assertThat(ModelConfig.forName("kda").freqInit()).isEqualTo(FrequencyInit.DFT);
    assertThat(ModelConfig.forName("kda@freq=random").freqInit()).isEqualTo(FrequencyInit.RANDOM);
    assertThat(ModelConfig.forName("kda+lrd@lrd=reference@freq=random").freqInit()).isEqualTo(FrequencyInit.RANDOM);
    assertThatThrownBy(() -> ModelConfig.forName("kda@freq=flat")).hasMessageContaining("freq must be dft or random");
  }

  @Test
  void kgSamplingIsTheReferenceRowsAndOldCheckpointsReadAsPairs() throws Exception {
    assertThat(ModelConfig.forName("kda+lrd").kgSampling()).isEqualTo(KgSampling.ROWS);
    assertThat(ModelConfig.forName("kda@kg=pairs").kgSampling()).isEqualTo(KgSampling.PAIRS);
    assertThatThrownBy(() -> ModelConfig.forName("kda@kg=all")).hasMessageContaining("kg must be rows or pairs");
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) json.valueToTree(ModelConfig.forName("kda"));
    tree.remove("kgSampling"); // written before the setting existed: trained on pairs
    assertThat(json.treeToValue(tree, ModelConfig.class).kgSampling()).isEqualTo(KgSampling.PAIRS);
  }

  @Test
  void theClassifiersBeta2IsASettingAndOldCheckpointsReadAsPlainAdam() throws Exception {
    assertThat(ModelConfig.forName("kda+lrd").lrdBeta2()).isEqualTo(0.999f);
    assertThat(ModelConfig.forName("kda+lrd@lrd=reference@lrdbeta2=0.99").lrdBeta2()).isEqualTo(0.99f);
    assertThatThrownBy(() -> ModelConfig.forName("kda+lrd@lrdbeta2=1")).hasMessageContaining("must be in (0, 1)");
    assertThatThrownBy(() -> ModelConfig.forName("kda+lrd@lrdbeta2=x")).hasMessageContaining("not a number for lrdbeta2");
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) json.valueToTree(ModelConfig.forName("kda+lrd@lrdbeta2=0.9"));
    assertThat(json.treeToValue(tree, ModelConfig.class).lrdBeta2()).isEqualTo(0.9f);
    tree.remove("lrdBeta2"); // a checkpoint written before the setting existed
    assertThat(json.treeToValue(tree, ModelConfig.class).lrdBeta2()).isEqualTo(0.999f);
  }

  @Test
  void theBaselinesIgnoreRelationsAndTakeTheirPapersArchitecture() {
    for (var name : new String[] {"caser", "gru4rec", "sasrec", "tisasrec"}) {
      var c = ModelConfig.forName(name);
      assertThat(c.backbone().relationAware()).as(name).isFalse();
      assertThat(c.lrdEnabled()).as(name).isFalse();
      assertThat(c.gammaKge()).as(name).isZero();
      assertThat(c.heads()).as(name).isEqualTo(1);
    }
    assertThat(ModelConfig.forName("sasrec").layers()).isEqualTo(2);
    assertThat(ModelConfig.forName("caser").dropout()).isEqualTo(0.5f);
    var searched = ModelConfig.forName("sasrec@lr=1e-2@l2=0@dropout=0.5");
    assertThat(searched.learningRate()).isEqualTo(1e-2f);
    assertThat(searched.l2()).isZero();
    assertThat(searched.dropout()).isEqualTo(0.5f);
    assertThatThrownBy(() -> ModelConfig.forName("bert4rec")).hasMessageContaining("known: rcf, rcf+lrd, kda, kda+lrd, caser");
  }

  @Test
  void badSettingsAreClearErrors() {
    assertThatThrownBy(() -> ModelConfig.forName("kda+lrd@depth=3")).hasMessageContaining("unknown setting 'depth'");
    assertThatThrownBy(() -> ModelConfig.forName("kda+lrd@latent=five")).hasMessageContaining("'five' is not a number for latent");
    assertThatThrownBy(() -> ModelConfig.forName("kda+lrd@latent")).hasMessageContaining("want key=value");
    assertThatThrownBy(() -> ModelConfig.forName("kdax@latent=5")).hasMessageContaining("unknown model");
  }
}
